import net from 'node:net';

/**
 * A round-robin TCP load balancer on loopback: each new connection goes to the next backend
 * that accepts it, as a real balancer with health checks would do once a backend dies.
 */
export class TcpBalancer {
  private server: net.Server | null = null;
  private next = 0;
  port = 0;

  constructor(private ports: number[]) {}

  private connect(client: net.Socket, tries: number): void {
    if (tries >= this.ports.length) {
      client.destroy();
      return;
    }
    const port = this.ports[this.next++ % this.ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.once('close', () => client.destroy());
    });
    upstream.once('error', () => {
      upstream.destroy();
      // A backend that refuses the connection is skipped; one that fails mid-stream ends the client's.
      if (!connected) this.connect(client, tries + 1);
      else client.destroy();
    });
    client.once('close', () => upstream.destroy());
  }

  async start(): Promise<string> {
    this.server = net.createServer({ pauseOnConnect: true }, (client) => {
      client.on('error', () => client.destroy());
      this.connect(client, 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
