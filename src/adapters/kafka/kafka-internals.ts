import type { Kafka, Producer, ProducerConfig } from 'kafkajs'

import type { FetchResponse } from './partition-reader.ts'

/*
 * The two places where the adapter reaches into kafkajs (pinned at 2.2.4): its private cluster factory, for
 * broker-level fetches and for refreshing a producer's metadata when a topic gains partitions (a producer
 * otherwise learns of new partitions only when its metadata expires).
 */

export interface InternalBroker {
  fetch(request: {
    replicaId?: number
    isolationLevel?: number
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<FetchResponse>
}

export interface InternalCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  refreshMetadata(): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(query: { nodeId: string }): Promise<InternalBroker>
  findTopicPartitionMetadata(topic: string): { partitionId: number }[]
}

type ClusterFactory = (options: {
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
}) => InternalCluster

function clusterFactorySymbol(kafka: Kafka): symbol {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (candidate) => candidate.description === 'private:Kafka:createCluster',
  )
  if (symbol === undefined || typeof Reflect.get(kafka, symbol) !== 'function') {
    throw new Error('this kafkajs version does not expose its cluster factory; kafkajs 2.2.4 is required')
  }
  return symbol
}

export function createInternalCluster(kafka: Kafka): InternalCluster {
  const factory = Reflect.get(kafka, clusterFactorySymbol(kafka)) as ClusterFactory
  return factory({ metadataMaxAge: 60_000, allowAutoTopicCreation: false })
}

/** Creates a producer and returns the cluster it was built on, to refresh its metadata on demand. */
export function createProducerWithCluster(
  kafka: Kafka,
  config: ProducerConfig,
): { producer: Producer; cluster: InternalCluster } {
  const symbol = clusterFactorySymbol(kafka)
  const factory = Reflect.get(kafka, symbol) as ClusterFactory
  let cluster: InternalCluster | undefined
  Reflect.set(kafka, symbol, ((options) => (cluster = factory(options))) satisfies ClusterFactory)
  try {
    const producer = kafka.producer(config)
    if (cluster === undefined) throw new Error('kafkajs did not build a cluster for the producer')
    return { producer, cluster }
  } finally {
    Reflect.set(kafka, symbol, factory)
  }
}
