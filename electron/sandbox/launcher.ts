/**
 * The built-in "Try the sandbox" BillPro: this sandbox server, started inside the app on a random
 * loopback port, once, on first need. The entry points (Electron main, the web host) hand it to
 * the Desk as a launcher; to the Desk it is just another BillPro base URL + token, and core never
 * imports this folder (DESIGN.md rule 5).
 */
import type { RunningSandbox } from './server.ts';

export class SandboxLauncher {
  private running: Promise<RunningSandbox> | null = null;

  async start(): Promise<{ baseUrl: string; token: string }> {
    if (!this.running) {
      this.running = import('./server.ts').then(({ startSandbox }) => startSandbox({ port: 0, quiet: true }));
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
