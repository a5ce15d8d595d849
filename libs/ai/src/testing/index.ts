// `@gatehouse/ai/testing`: loopback fakes of every provider, for specs, benches and the demo.
export { fakeSpecs, startFakeProvider, startFakeProviders } from './fake-providers';
export type { FakeAnswer, FakeBehavior, FakeProvider, FakeProviderOptions, FakeRequest, FakeSpec } from './fake-server';
export { fakeAiConfig } from './fake-config';
