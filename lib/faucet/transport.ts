/** How a faucet request travels: over HTTP to a real or stand-alone faucet, or in-process. */
export type FaucetRequestBody = { action: string; api_key?: string } & Record<string, unknown>;

export type RawReply = { status: number; text: string };

export type FaucetTransport = (body: FaucetRequestBody, signal: AbortSignal) => Promise<RawReply>;

/**
 * Thrown by a transport when no reply arrived. `sent` tells whether the request may have
 * reached the faucet: a refused connection never did, a reset or dropped reply may have.
 */
export class TransportError extends Error {
  readonly sent: boolean;
  constructor(message: string, sent: boolean) {
    super(message);
    this.name = "TransportError";
    this.sent = sent;
  }
}
