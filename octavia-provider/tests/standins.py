"""Real loopback stand-ins: an edgelb hub (HTTP) and octavia-driver-agent's unix sockets."""
import http.server
import json
import os
import socketserver
import tempfile
import threading


class Hub:
    """ThreadingHTTPServer on 127.0.0.1:0 recording POSTs and serving queued status answers."""

    def __init__(self, token='t0ken'):
        self.token = token
        self.posts = []
        self.gets = []
        self.answers = []  # bytes or dict, served in order; the last one repeats
        self.lock = threading.Lock()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _auth(self):
                if self.headers.get('Authorization') != 'Bearer ' + hub.token:
                    self.send_response(401)
                    self.end_headers()
                    return False
                return True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                if not self._auth():
                    return
                with hub.lock:
                    hub.posts.append((self.path, json.loads(body)))
                self._send(202, b'{"accepted": true}')

            def do_GET(self):
                if not self._auth():
                    return
                with hub.lock:
                    hub.gets.append(self.path)
                    answer = hub.answers.pop(0) if len(hub.answers) > 1 else (
                        hub.answers[0] if hub.answers else {})
                if not isinstance(answer, bytes):
                    answer = json.dumps(answer).encode()
                self._send(200, answer)

            def _send(self, code, body):
                self.send_response(code)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:{}'.format(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _recv(sock):
    size = b''
    while True:
        c = sock.recv(1)
        if not c:
            raise EOFError
        if c == b'\n':
            break
        size += c
    n = int(size)
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return json.loads(buf)


class DriverAgentSockets:
    """status/stats/get unix sockets speaking octavia-lib's length-prefixed JSON."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='edgelb-da-')
        self.received = {'status': [], 'stats': []}
        self.lock = threading.Lock()
        self.servers = []
        self.paths = {}
        for name in ('status', 'stats', 'get'):
            self._serve(name)

    def _serve(self, name):
        agent = self
        path = os.path.join(self.dir, name + '.sock')

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data = _recv(self.request)
                with agent.lock:
                    agent.received.setdefault(name, []).append(data)
                reply = json.dumps({'status_code': 200}).encode()  # as octavia's driver_updater answers
                self.request.sendall('{}\n'.format(len(reply)).encode() + reply)

        server = socketserver.ThreadingUnixStreamServer(path, Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        self.paths[name] = path

    def got(self, name):
        with self.lock:
            return list(self.received[name])

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()
        for p in self.paths.values():
            os.unlink(p)
        os.rmdir(self.dir)
