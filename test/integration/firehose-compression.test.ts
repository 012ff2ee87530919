import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { compressObject } from '../../src/firehose/delivery/compression.ts'
import { KAFKA_RUNTIME } from '../../src/stack/kafka.ts'
import { resolveRuntimeJars } from '../../src/stack/maven.ts'
import { resolveLocalStackOptions } from '../../src/stack/index.ts'

/**
 * The Snappy objects read back by snappy-java itself (the library Hadoop, Spark and Athena's readers use, shipped
 * with Kafka): SnappyInputStream for the Snappy format, and Hadoop's block framing decoded block by block with
 * Snappy.uncompress.
 */
const READER = `
import java.io.*;
import org.xerial.snappy.*;

public class SnappyRead {
  public static void main(String[] args) throws Exception {
    byte[] input = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[1]));
    OutputStream out = new BufferedOutputStream(System.out);
    if (args[0].equals("snappy-java")) {
      try (InputStream in = new SnappyInputStream(new ByteArrayInputStream(input))) { in.transferTo(out); }
    } else {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
      while (in.available() > 0) {
        int raw = in.readInt();
        int done = 0;
        while (done < raw) {
          byte[] block = new byte[in.readInt()];
          in.readFully(block);
          byte[] plain = Snappy.uncompress(block);
          out.write(plain);
          done += plain.length;
        }
      }
    }
    out.flush();
  }
}
`

const dir = mkdtempSync(join(tmpdir(), 'firehose-snappy-'))
const snappyJar = await findSnappyJava()

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function findSnappyJava(): Promise<string | undefined> {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' })
    const lib = await resolveRuntimeJars(
      KAFKA_RUNTIME,
      resolveLocalStackOptions(process.env).cacheDir,
      () => undefined,
    )
    const jar = readdirSync(lib).find((file) => /^snappy-java-.*\.jar$/.test(file))
    return jar === undefined ? undefined : join(lib, jar)
  } catch {
    return undefined
  }
}

function readWithSnappyJava(format: 'snappy-java' | 'hadoop', body: Buffer): Buffer {
  const source = join(dir, 'SnappyRead.java')
  writeFileSync(source, READER)
  const file = join(dir, `object-${format}`)
  writeFileSync(file, body)
  return execFileSync('java', ['-cp', snappyJar ?? '', source, format, file], { maxBuffer: 64 * 1024 * 1024 })
}

if (snappyJar === undefined)
  process.stdout.write('[firehose-compression] skipping: no Java or snappy-java jar\n')

describe.skipIf(snappyJar === undefined)('Snappy objects read by snappy-java', () => {
  const data = Buffer.from(
    Array.from({ length: 20_000 }, (_, index) => `{"id":${index},"name":"record-${index % 97}"}\n`).join(''),
  )

  it('reads Snappy (snappy-java framing) with SnappyInputStream', async () => {
    const object = await compressObject('Snappy', data, 'x')
    expect(readWithSnappyJava('snappy-java', object.body).equals(data)).toBe(true)
  })

  it('reads HADOOP_SNAPPY block by block', async () => {
    const object = await compressObject('HADOOP_SNAPPY', data, 'x')
    expect(readWithSnappyJava('hadoop', object.body).equals(data)).toBe(true)
  })
})
