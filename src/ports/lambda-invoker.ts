/** Invokes a Lambda function synchronously (the Lambda Invoke API, RequestResponse). */
export interface LambdaInvoker {
  /**
   * Sends `payload` to the function and answers what it returned. A function that threw answers with
   * `functionError` set (the Invoke API's X-Amz-Function-Error); anything that kept the invocation from
   * happening (no answer, an error status) throws a LambdaInvokeError.
   */
  invoke(functionArn: string, payload: Buffer): Promise<LambdaInvocation>
}

export interface LambdaInvocation {
  readonly payload: Buffer
  /** `Unhandled` or `Handled` when the function raised an error. */
  readonly functionError?: string
}

export class LambdaInvokeError extends Error {
  override name = 'LambdaInvokeError'

  /** `code` is the Invoke API's error type (ResourceNotFoundException, TooManyRequestsException, ...). */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
