import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePorts, isPortFree } from '../ports';
import { GuardedProcess } from '../process/guarded-process';
import { classDataArchive } from './class-data-archive';
import { checkJava, type JavaCheck } from './java-probe';
import { resolveClasspath } from './kafka-classpath';
import { waitForKafka } from './kafka-ready';
import { BROKER_JVM_OPTIONS, kafkaUuid, LOG4J_PROPERTIES, metaProperties, serverProperties } from './server-properties';

export interface LocalKafkaOptions {
  /** The repository root (for deploy/kafka/pom.xml). */
  readonly root: string;
  /** Where the classpath cache lives. */
  readonly cacheDir: string;
  /** Broker data (log.dirs); kept between runs when it is a persistent folder. */
  readonly dataDir: string;
  /** Where server.properties, log4j.properties and broker.log are written. */
  readonly workDir: string;
  /** Fixed ports (npm start); free ports are picked when absent. */
  readonly port?: number;
  readonly controllerPort?: number;
  /** The JVM to run (found on JAVA_HOME or PATH when absent). */
  readonly java?: JavaCheck;
  readonly readyTimeoutMs?: number;
}

export interface LocalKafka {
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly logFile: string;
  /** True when the classpath came from the cache (Maven was not run). */
  readonly classpathCached: boolean;
  readonly process: GuardedProcess;
  stop(): Promise<void>;
}

/** Starts a single-node KRaft broker from the Maven Central jars as a guarded child process. */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const java = options.java ?? (await checkJava());
  if (!java.ok || !java.path) throw new Error(`Kafka: a local broker needs Java 17+ (${java.problem}).`);
  const { classpath, cached } = await resolveClasspath({ pomPath: join(options.root, 'deploy', 'kafka', 'pom.xml'), cacheDir: options.cacheDir });
  const [port, controllerPort] = await brokerPorts(options);
  await mkdir(options.dataDir, { recursive: true });
  await mkdir(options.workDir, { recursive: true });
  const propertiesFile = join(options.workDir, 'server.properties');
  const log4jFile = join(options.workDir, 'log4j.properties');
  const logFile = join(options.workDir, 'broker.log');
  await writeFile(propertiesFile, serverProperties({ port, controllerPort, dataDir: options.dataDir }));
  await writeFile(log4jFile, LOG4J_PROPERTIES);
  if (!existsSync(join(options.dataDir, 'meta.properties'))) {
    await writeFile(join(options.dataDir, 'meta.properties'), metaProperties(kafkaUuid()));
  }

  const archive = await classDataArchive(options.cacheDir, classpath, java.version ?? java.path);
  const log = await open(logFile, 'w');
  const broker = new GuardedProcess({
    command: java.path,
    args: [...BROKER_JVM_OPTIONS, ...archive.jvmOptions, '-cp', classpath, `-Dlog4j.configuration=file:${log4jFile}`, 'kafka.Kafka', propertiesFile],
    cwd: options.workDir,
    output: log.fd,
  });
  await log.close();

  const brokers = `127.0.0.1:${port}`;
  const stop = async () => {
    await broker.stop(15_000);
    await archive.finish();
  };
  try {
    await waitForKafka(brokers, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      failed: () => (broker.running ? undefined : new Error('the broker process exited')),
    });
  } catch (error) {
    await stop();
    throw new Error(`Kafka: the local broker did not start (${(error as Error).message}). Last lines of ${logFile}:\n${await tail(logFile, 20)}`);
  }
  return { brokers, port, controllerPort, logFile, classpathCached: cached, process: broker, stop };
}

async function brokerPorts(options: LocalKafkaOptions): Promise<[number, number]> {
  if (options.port === undefined || options.controllerPort === undefined) {
    const [port, controllerPort] = await freePorts(2);
    return [options.port ?? port!, options.controllerPort ?? controllerPort!];
  }
  for (const port of [options.port, options.controllerPort]) {
    if (!(await isPortFree(port))) {
      throw new Error(`Kafka: port ${port} on 127.0.0.1 is already in use (another broker or \`npm start\`?). Stop it, or set KAFKA_BROKERS to use a running broker.`);
    }
  }
  return [options.port, options.controllerPort];
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
