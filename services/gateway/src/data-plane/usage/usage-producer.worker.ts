import { parentPort, workerData } from 'node:worker_threads';
import { ContractViolationError, UsageBatchRecordedV1 } from '@gatehouse/contracts';
import { createKafka, EventProducer, MAX_REQUEST_BYTES } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { encodeUsageBatches } from './usage-batches';
import type { UsageProducerRequest, UsageProducerResponse, UsageProducerSetup } from './usage-producer-protocol';
import type { UsageRecord } from './usage-record';

/**
 * The usage producer's thread: validates, encodes (see `encodeUsageBatches`) and produces the
 * batches the data plane hands over, so none of that work (nor kafkajs' garbage) lands on the
 * request path's event loop. Answers each batch with its outcome; the shipper on the main
 * thread keeps the journal.
 */
const setup = workerData as UsageProducerSetup;
const port = parentPort!;
const logger = createLogger({ service: setup.service, level: setup.logLevel }).child({ thread: 'usage-producer' });
const kafka = createKafka({ clientId: setup.clientId, brokers: [...setup.brokers], logger });
const producer = new EventProducer(kafka, { prefix: setup.prefix, source: setup.source, logger });

function answer(response: UsageProducerResponse): void {
  port.postMessage(response);
}

/** Resolves with the number of Kafka messages the records went out in. */
async function send(records: UsageRecord[]): Promise<number> {
  const events = encodeUsageBatches(records, { source: setup.source, maxBytes: MAX_REQUEST_BYTES });
  await producer.publishEncoded(UsageBatchRecordedV1.topic, events);
  return events.length;
}

port.on('message', (request: UsageProducerRequest) => {
  if (request.op === 'close') {
    void producer
      .disconnect()
      .catch((error: unknown) => logger.warn({ err: error }, 'usage producer did not disconnect cleanly'))
      .finally(() => answer({ op: 'closed' }));
    return;
  }
  send(request.records).then(
    (messages) => answer({ op: 'sent', id: request.id, messages }),
    (error: unknown) =>
      answer({
        op: 'sent',
        id: request.id,
        error: error instanceof ContractViolationError ? { message: error.message, contract: true } : { message: (error as Error).message ?? String(error), contract: false },
      }),
  );
});
