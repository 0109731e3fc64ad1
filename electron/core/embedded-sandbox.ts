/**
 * The built-in "Try the sandbox" BillPro: the sandbox server started inside the app on a random
 * loopback port, once, on first need. To the Desk it is just another BillPro base URL + token.
 */
import type { RunningSandbox } from '../sandbox/server.ts';

export interface EmbeddedSandboxConnection {
  baseUrl: string;
  token: string;
}

export class EmbeddedSandbox {
  private running: Promise<RunningSandbox> | null = null;

  async start(): Promise<EmbeddedSandboxConnection> {
    if (!this.running) {
      this.running = import('../sandbox/server.ts').then(({ startSandbox }) => startSandbox({ port: 0, quiet: true }));
      this.running.catch(() => {
        this.running = null;
      });
    }
    const sandbox = await this.running;
    // Token 0 reaches exactly one merchant profile, so no BillPro profile id is needed.
    const first = sandbox.tokens[0];
    if (!first) throw new Error('the sandbox started without tokens');
    return { baseUrl: sandbox.baseUrl, token: first.token };
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running) await (await running.catch(() => null))?.close();
  }
}
