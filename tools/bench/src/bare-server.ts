// Entry of the bare node:http server the reader listing is compared with: the same JSON bytes, answered as fast as
// Node can, with nothing in between.
import { createServer } from "node:http";

const { port, path, body } = JSON.parse(process.argv[2] ?? "{}") as { port: number; path: string; body: string };
const payload = Buffer.from(body);
const ready = Buffer.from('{"status":"ready"}');

createServer((req, res) => {
  const answer = req.url === path ? payload : req.url === "/health/ready" ? ready : undefined;
  if (!answer) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "content-length": answer.length });
  res.end(answer);
}).listen(port, "127.0.0.1");
