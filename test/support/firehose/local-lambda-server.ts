import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a function receives and answers: the invocation event in, the response document out. */
export type LambdaHandler = (event: unknown) => unknown

/** The function threw: answered 200 with X-Amz-Function-Error, as the Invoke API does. */
export class FunctionError extends Error {}

/** The invocation itself failed: answered with this status and error type, as the Invoke API does. */
export class InvokeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * A local Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`), like `sam local
 * start-lambda`: functions are registered by name, every invocation is recorded.
 */
export class LocalLambdaServer {
  readonly invocations: { functionName: string; qualifier: string | null; event: unknown }[] = []
  private readonly functions = new Map<string, LambdaHandler>()
  private server: Server | undefined

  register(name: string, handler: LambdaHandler): void {
    this.functions.set(name, handler)
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const url = new URL(request.url ?? '/', 'http://localhost')
        const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname)
        const name = match?.[1] === undefined ? undefined : decodeURIComponent(match[1])
        const handler = name === undefined ? undefined : this.functions.get(name)
        if (request.method !== 'POST' || name === undefined || handler === undefined) {
          response.writeHead(404, {
            'Content-Type': 'application/json',
            'X-Amzn-ErrorType': 'ResourceNotFoundException',
          })
          response.end(
            JSON.stringify({ Type: 'User', message: `Function not found: ${name ?? url.pathname}` }),
          )
          return
        }
        const event = JSON.parse(body.toString('utf8')) as unknown
        this.invocations.push({ functionName: name, qualifier: url.searchParams.get('Qualifier'), event })
        try {
          const result = handler(event)
          response.writeHead(200, { 'Content-Type': 'application/json' })
          response.end(JSON.stringify(result))
        } catch (error) {
          if (error instanceof InvokeApiError) {
            response.writeHead(error.status, {
              'Content-Type': 'application/json',
              'X-Amzn-ErrorType': error.type,
            })
            response.end(JSON.stringify({ Type: 'Service', message: error.message }))
            return
          }
          response.writeHead(200, { 'Content-Type': 'application/json', 'X-Amz-Function-Error': 'Unhandled' })
          response.end(JSON.stringify({ errorType: 'Error', errorMessage: (error as Error).message }))
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.server = server
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve()
      }),
    )
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
}
