import type { AttributeValue } from '../values/attribute-value.ts'

/** A request's expression is invalid: the message is the whole ValidationException text, in DynamoDB's words. */
export class ExpressionError extends Error {
  override name = 'ExpressionError'
}

/**
 * A request's ExpressionAttributeNames and ExpressionAttributeValues, shared by all its expressions; records
 * which were used, since DynamoDB refuses placeholders that no expression uses.
 */
export class Placeholders {
  private readonly usedNames = new Set<string>()
  private readonly usedValues = new Set<string>()

  constructor(
    private readonly names: Readonly<Record<string, string>> = {},
    private readonly values: Readonly<Record<string, AttributeValue>> = {},
  ) {}

  name(placeholder: string, expression: string): string {
    const name = this.names[placeholder]
    if (name === undefined) {
      throw new ExpressionError(
        `Invalid ${expression}: An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`,
      )
    }
    this.usedNames.add(placeholder)
    return name
  }

  value(placeholder: string, expression: string): AttributeValue {
    const value = this.values[placeholder]
    if (value === undefined) {
      throw new ExpressionError(
        `Invalid ${expression}: An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      )
    }
    this.usedValues.add(placeholder)
    return value
  }

  /** After every expression of the request was parsed: placeholders none of them used are refused. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((name) => !this.usedNames.has(name))
    if (unusedNames.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      )
    }
    const unusedValues = Object.keys(this.values).filter((value) => !this.usedValues.has(value))
    if (unusedValues.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      )
    }
  }
}
