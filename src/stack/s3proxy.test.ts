import { describe, expect, it } from 'vitest'

import { renderS3ProxyConfig } from './s3proxy.ts'

describe('renderS3ProxyConfig', () => {
  it('serves S3 with AWS signatures on 127.0.0.1 from a filesystem folder', () => {
    expect(
      renderS3ProxyConfig({
        port: 19090,
        accessKey: 'key',
        secretKey: 'secret',
        bucketsDir: '/stack/s3proxy/s3',
      }),
    ).toBe(
      [
        's3proxy.endpoint=http://127.0.0.1:19090',
        's3proxy.authorization=aws-v2-or-v4',
        's3proxy.identity=key',
        's3proxy.credential=secret',
        'jclouds.provider=filesystem',
        'jclouds.filesystem.basedir=/stack/s3proxy/s3',
        '',
      ].join('\n'),
    )
  })

  it('escapes backslashes, which Java properties files treat as escapes', () => {
    expect(
      renderS3ProxyConfig({ port: 1, accessKey: 'a', secretKey: 'back\\slash', bucketsDir: '/b' }),
    ).toContain('s3proxy.credential=back\\\\slash\n')
  })
})
