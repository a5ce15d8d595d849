export * from './key-vault';
export * from './local-master-key.vault';
export * from './master-key.loader';
