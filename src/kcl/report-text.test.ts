import { describe, expect, it } from 'vitest'
import type { ApplicationReport, LeaseReport } from './inspector.ts'
import { applicationReportText } from './report-text.ts'

const lease: LeaseReport = {
  leaseKey: 'shardId-000000000000',
  shardId: 'shardId-000000000000',
  stream: 'orders',
  owner: 'worker-1',
  checkpoint: 'TRIM_HORIZON',
  checkpointSubSequenceNumber: 0,
  pendingCheckpoint: null,
  leaseCounter: 12,
  ownerSwitchesSinceCheckpoint: 0,
  lag: { records: 5, millis: 1200 },
}

describe('applicationReportText', () => {
  it('aligns the columns, marks unknown lag and says why', () => {
    const report: ApplicationReport = {
      application: 'app',
      accountId: '123456789012',
      region: 'us-east-1',
      leases: [
        lease,
        {
          ...lease,
          leaseKey: 'shardId-000000000001',
          owner: null,
          checkpoint: 'LATEST',
          checkpointSubSequenceNumber: 2,
          leaseCounter: 3,
          lag: null,
          lagUnknownReason: 'why',
        },
      ],
    }
    expect(applicationReportText(report)).toBe(
      [
        'app (account 123456789012, us-east-1)',
        'SHARD                 OWNER     CHECKPOINT    COUNTER  LAG RECORDS  LAG MS',
        'shardId-000000000000  worker-1  TRIM_HORIZON  12       5            1200',
        'shardId-000000000001  -         LATEST/2      3        ?            ?',
        '? shardId-000000000001: why',
        '',
      ].join('\n'),
    )
  })

  it('says when there are no leases', () => {
    expect(applicationReportText({ application: 'app', accountId: '1', region: 'r', leases: [] })).toBe(
      'app (account 1, r)\nno leases\n',
    )
  })
})
