import { ContractViolationError } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { classifyError, errorCode, errorMessage, NonRetriableError, RetriableError } from './errors';

describe('classifyError', () => {
  it('dead-letters contract violations and non-retriable errors at once', () => {
    expect(classifyError(new ContractViolationError('bad payload'))).toBe('permanent');
    expect(classifyError(new NonRetriableError('no such tenant'))).toBe('permanent');
    expect(classifyError(new Error('wrapped', { cause: new NonRetriableError('inner') }))).toBe('permanent');
  });

  it('retries retriable and unknown errors a bounded number of times', () => {
    expect(classifyError(new RetriableError('upstream busy'))).toBe('transient');
    expect(classifyError(new TypeError('x is undefined'))).toBe('transient');
    expect(classifyError('a string')).toBe('transient');
    expect(classifyError(undefined)).toBe('transient');
    expect(classifyError(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe('transient');
  });

  it('waits without limit when Postgres or Kafka cannot be reached', () => {
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('unavailable');
    expect(classifyError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('unavailable');
    expect(classifyError(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe('unavailable');
    expect(classifyError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    const kafka = new Error('Connection timeout');
    kafka.name = 'KafkaJSConnectionError';
    expect(classifyError(kafka)).toBe('unavailable');
  });

  it('looks through TypeORM driver errors', () => {
    const queryFailed = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('too many clients'), { code: '53300' }) });
    expect(classifyError(queryFailed)).toBe('unavailable');
  });

  it('keeps an explicit RetriableError bounded even when caused by a connection error', () => {
    expect(classifyError(new RetriableError('retry', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toBe('transient');
  });
});

describe('errorCode and errorMessage', () => {
  it('records the stable code of known errors and ERR_UNKNOWN otherwise', () => {
    expect(errorCode(new RetriableError('x'))).toBe('ERR_RETRIABLE');
    expect(errorCode(new NonRetriableError('x'))).toBe('ERR_NON_RETRIABLE');
    expect(errorCode(new ContractViolationError('x'))).toBe('ERR_CONTRACT_VIOLATION');
    expect(errorCode(new Error('x'))).toBe('ERR_UNKNOWN');
    expect(errorCode(Object.assign(new Error('x'), { code: 'bad code with spaces' }))).toBe('ERR_UNKNOWN');
  });

  it('describes non-Error throws', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage(42)).toBe('unknown error');
  });
});
