"""The client against a real `meridian serve` (started by the tests), checked against brute force."""

import http.server
import json
import math
import os
import random
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
sys.path.insert(0, os.path.dirname(__file__))

import server  # noqa: E402
from meridian import (  # noqa: E402
    Client,
    ConnectionFailedError,
    InvalidInputError,
    MeridianError,
    NotFoundError,
    UnauthorizedError,
    UnavailableError,
)

R_KM = 6371.0


def great_circle_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(min(1.0, math.sqrt(a)))


def brute_force(places, lat, lon, k, max_km=math.inf):
    d = sorted((great_circle_km(lat, lon, p[2], p[3]), p[0]) for p in places)
    return [x for x in d if x[0] <= max_km][:k]


class ServiceTest(unittest.TestCase):
    """Against the real service with its bundled cities and a small random reference set."""

    @classmethod
    def setUpClass(cls):
        cls.server = server.shared()
        cls.client = Client(cls.server.url, tcp_port=cls.server.tcp_port)
        seed = int(os.environ.get("MERIDIAN_TEST_SEED", random.randrange(1 << 30)))
        print("\n[test_client] random seed %d (set MERIDIAN_TEST_SEED to repeat)" % seed, file=sys.stderr)
        cls.rng = random.Random(seed)
        # lat uniform in sin(lat) = uniform on the sphere
        cls.places = [("p%d" % i, "Place %d" % i, math.degrees(math.asin(cls.rng.uniform(-1, 1))),
                       cls.rng.uniform(-180, 180)) for i in range(300)]
        csv = "id,name,lat,lon,country\n" + "".join(
            "%s,%s,%r,%r,C%d\n" % (p[0], p[1], p[2], p[3], i % 7) for i, p in enumerate(cls.places))
        report = cls.client.put_refset("pyrandom", csv)
        assert report["places"] == 300, report

    def test_get_paris(self):
        place = self.client.get((48.8566, 2.3522))
        self.assertEqual("Paris", place["name"])
        self.assertEqual("FR", place["country"])
        for field in ("lat", "lon", "distance_km"):
            self.assertIsInstance(place[field], float)
        self.assertAlmostEqual(great_circle_km(48.8566, 2.3522, place["lat"], place["lon"]), place["distance_km"],
                               places=6)

    def test_country_when_asked(self):
        # hand-checked: Paris is inside France; 30N 40W is mid-Atlantic, far beyond any territorial sea
        paris, atlantic = self.client.search([(48.8566, 2.3522), (30.0, -40.0)], country=True)
        self.assertEqual("Paris", paris["nearest"]["name"])
        self.assertEqual({"alpha2": "FR", "alpha3": "FRA", "name": "France", "km": 0.0}, paris["country"])
        self.assertIsNone(atlantic["country"])
        self.assertIsNotNone(atlantic["nearest"])
        one = self.client.get((48.8566, 2.3522), country=True)
        self.assertEqual("FR", one["country"]["alpha2"])
        self.assertNotIn("nearest", self.client.get((48.8566, 2.3522)))  # off by default: the place itself

    def test_search_matches_brute_force(self):
        points = [(math.degrees(math.asin(self.rng.uniform(-1, 1))), self.rng.uniform(-180, 180)) for _ in range(200)]
        got = self.client.search(points, refs="pyrandom")
        self.assertEqual(len(points), len(got))
        for (lat, lon), place in zip(points, got):
            want = brute_force(self.places, lat, lon, 1)[0]
            self.assertAlmostEqual(want[0], place["distance_km"], places=6, msg=(lat, lon))
            self.assertEqual(place["name"], "Place " + place["id"][1:])
            self.assertTrue(place["country"].startswith("C"))

    def test_k_nearest_first(self):
        points = [(self.rng.uniform(-80, 80), self.rng.uniform(-180, 180)) for _ in range(50)]
        got = self.client.search(points, k=5, refs="pyrandom")
        for (lat, lon), places in zip(points, got):
            want = brute_force(self.places, lat, lon, 5)
            self.assertEqual(5, len(places))
            self.assertEqual([round(w[0], 6) for w in want], [round(p["distance_km"], 6) for p in places])
            self.assertEqual([w[1] for w in want], [p["id"] for p in places])

    def test_max_km_with_no_answer(self):
        # the middle of the Pacific: no city within 100 km
        self.assertIsNone(self.client.get((-30.0, -130.0), max_km=100))
        self.assertEqual([], self.client.get((-30.0, -130.0), k=3, max_km=100))
        self.assertEqual("Paris", self.client.get((48.8566, 2.3522), max_km=1)["name"])

    def test_max_km_against_brute_force(self):
        points = [(self.rng.uniform(-60, 60), self.rng.uniform(-180, 180)) for _ in range(100)]
        got = self.client.search(points, k=3, max_km=800, refs="pyrandom")
        for (lat, lon), places in zip(points, got):
            want = brute_force(self.places, lat, lon, 3, 800)
            self.assertEqual([w[1] for w in want], [p["id"] for p in places], msg=(lat, lon))

    def test_batches_keep_order(self):
        points = [(self.rng.uniform(-80, 80), self.rng.uniform(-180, 180)) for _ in range(30)]
        with Client(self.server.url, batch_size=7) as small:
            self.assertEqual(self.client.search(points, refs="pyrandom"), small.search(iter(points), refs="pyrandom"))

    def test_bad_input(self):
        with self.assertRaises(InvalidInputError) as e:
            self.client.get((91.0, 0.0))
        self.assertEqual("invalid_coordinate", e.exception.code)
        self.assertEqual(400, e.exception.status)
        self.assertEqual("point.lat", e.exception.detail["field"])
        with self.assertRaises(InvalidInputError) as e:
            self.client.search([(1, 2), ("north", 2)])
        self.assertEqual(1, e.exception.detail["index"])
        with self.assertRaises(InvalidInputError):
            self.client.search([(1, 2, 3)])
        with self.assertRaises(InvalidInputError):
            self.client.get((float("nan"), 0))
        with self.assertRaises(InvalidInputError):
            self.client.get((0, 0), k=0)
        with self.assertRaises(InvalidInputError) as e:
            self.client.get((0, 0), k=100000)
        self.assertEqual("invalid_option", e.exception.code)
        with self.assertRaises(NotFoundError) as e:
            self.client.get((0, 0), refs="no-such-set")
        self.assertEqual("unknown_refset", e.exception.code)
        with self.assertRaises(InvalidInputError) as e:
            self.client.enrich([{"id": 1}])
        self.assertIsInstance(e.exception, MeridianError)
        self.assertIn("message", repr(e.exception))

    def test_enrich_records(self):
        out = self.client.enrich([{"id": 5, "point": {"lat": 51.5072, "lon": -0.1276}, "payload": [1.0, 2.0]}])
        self.assertEqual(5, out[0]["id"])
        self.assertEqual("London", out[0]["nearest"]["name"])
        self.assertEqual(2, len(out[0]["payload"]))
        full = self.client.enrich([{"id": 1, "lat": 51.5072, "lon": -0.1276}], places="full")
        self.assertEqual("GB", full[0]["nearest"]["country"])

    def test_stream_100k_in_order_with_bounded_window(self):
        n, window = 100_000, 500
        rng = random.Random(self.rng.random())
        pulled = [0]

        def points():
            for _ in range(n):
                pulled[0] += 1
                yield (rng.uniform(-90, 90), rng.uniform(-180, 180))

        sample = {}
        count = 0
        for i, answer in enumerate(self.client.stream(points(), window=window)):
            self.assertEqual(i, answer["id"])
            self.assertLessEqual(pulled[0] - i, window + 1, "read ahead of the window")
            if i % 5000 == 0:
                sample[i] = answer
            count += 1
        self.assertEqual(n, count)
        # the stream answers as the HTTP search does
        check = self.client.search([(a["point"]["lat"], a["point"]["lon"]) for a in sample.values()])
        for a, place in zip(sample.values(), check):
            self.assertEqual(place["id"], a["nearest"]["id"])
            self.assertAlmostEqual(place["distance_km"], a["nearest"]["distance_km"], places=9)

    def test_stream_bad_record(self):
        records = [(48.85, 2.35), {"id": 2, "point": {"lat": 95, "lon": 0}}, (51.5072, -0.1276)]
        got = list(self.client.stream(records, on_error="yield"))
        self.assertEqual("Paris", got[0]["nearest"]["name"])
        self.assertIsInstance(got[1], InvalidInputError)
        self.assertEqual(1, got[1].detail["index"])
        self.assertEqual("London", got[2]["nearest"]["name"])
        with self.assertRaises(InvalidInputError):
            list(self.client.stream(records))

    def test_stream_resends_after_reconnect(self):
        proxy = FlakyProxy(self.server.tcp_port, cut_after_bytes=[20_000, 50_000])
        try:
            c = Client(self.server.url, tcp_port=proxy.port)
            pts = [(self.rng.uniform(-80, 80), self.rng.uniform(-180, 180)) for _ in range(5000)]
            got = list(c.stream(pts, window=300))
            self.assertEqual(list(range(5000)), [a["id"] for a in got])
            self.assertGreaterEqual(proxy.connections, 3, "the proxy should have cut the stream twice")
            want = self.client.search(pts[::250])
            self.assertEqual([w["id"] for w in want], [a["nearest"]["id"] for a in got[::250]])
        finally:
            proxy.close()

    def test_users_and_events(self):
        base = self.rng.randrange(1 << 40)
        ids = [self.client.create_user("User %d" % i, "u%d-%d@example.com" % (base, i))["id"] for i in range(5)]
        seen = [u["id"] for u in self.client.users(page_size=2)]
        self.assertEqual(sorted(seen), seen)
        self.assertTrue(set(ids) <= set(seen))
        events = [{"id": base + i, "user_id": ids[0], "point": {"lat": 48.8566, "lon": 2.3522},
                   "value": float(i), "ts": "2026-01-01T10:0%d:00Z" % i} for i in range(4)]
        self.assertEqual({"accepted": 4, "duplicates": 0}, self.client.ingest(events))
        self.assertEqual({"accepted": 0, "duplicates": 4}, self.client.ingest(events))
        u = self.client.user(ids[0])
        self.assertEqual(4, u["aggregate"]["count"])
        self.assertEqual(6.0, u["aggregate"]["sum"])
        self.assertEqual("Paris", u["aggregate"]["last_place"]["name"])
        with self.assertRaises(NotFoundError):
            self.client.user(10 ** 15)
        with self.assertRaises(InvalidInputError) as e:
            self.client.user("abc")
        self.assertEqual("invalid_id", e.exception.code)

    def test_unreachable(self):
        with self.assertRaises(ConnectionFailedError):
            Client("http://127.0.0.1:%d" % server.free_port(), retries=0).get((0, 0))


class FlakyProxy:
    """A TCP proxy that cuts the connection once the service has sent it N bytes (once per N)."""

    def __init__(self, target_port, cut_after_bytes):
        self.cuts = list(cut_after_bytes)
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = target_port
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target))
            limit = self.cuts.pop(0) if self.cuts else None
            threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, limit), daemon=True).start()

    @staticmethod
    def _pipe(src, dst, limit):
        sent = 0
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[: limit - sent])  # a partial line, then the cut
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.listener.close()


class FakeService:
    """An HTTP server answering from a script, recording the requests' headers (for retry and token tests)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.headers = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.do_GET()

            def do_GET(self):
                fake.headers.append(dict(self.headers))
                status, headers, body = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                data = json.dumps(body).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


BUSY = (503, {"Retry-After": "0"}, {"error": "overloaded", "message": "the server is saturated", "detail": {}})
PARIS = (200, {}, [{"id": 0, "point": {"lat": 48.8566, "lon": 2.3522},
                    "nearest": {"id": "2988507", "name": "Paris", "distance_km": 0.4, "lat": 48.85, "lon": 2.35}}])


class ProtocolTest(unittest.TestCase):
    """Behaviour that needs a service misbehaving on cue."""

    def test_503_is_retried_honouring_retry_after(self):
        fake = FakeService([BUSY, BUSY, PARIS])
        try:
            self.assertEqual("Paris", Client(fake.url, retries=3).get((48.8566, 2.3522))["name"])
            self.assertEqual(3, len(fake.headers))
        finally:
            fake.close()

    def test_503_past_the_limit_raises(self):
        fake = FakeService([BUSY])
        try:
            with self.assertRaises(UnavailableError) as e:
                Client(fake.url, retries=2).get((0, 0))
            self.assertEqual("overloaded", e.exception.code)
            self.assertEqual(503, e.exception.status)
            self.assertEqual(3, len(fake.headers))
        finally:
            fake.close()

    def test_token_is_a_bearer_header(self):
        fake = FakeService([(401, {}, {"error": "unauthorized", "message": "no token", "detail": {}})])
        try:
            with self.assertRaises(UnauthorizedError):
                Client(fake.url, token="s3cret").get((0, 0))
            self.assertEqual("Bearer s3cret", fake.headers[0]["Authorization"])
            with self.assertRaises(UnauthorizedError):
                Client(fake.url).get((0, 0))
            self.assertNotIn("Authorization", fake.headers[1])
        finally:
            fake.close()

    def test_token_is_the_streams_first_line(self):
        listener = socket.create_server(("127.0.0.1", 0))
        received = []

        def serve():
            conn, _ = listener.accept()
            with conn, conn.makefile("rwb") as f:
                for line in f:
                    received.append(json.loads(line))
                    if "auth" in received[-1]:
                        continue
                    rec = received[-1]
                    f.write((json.dumps({"id": rec["id"], "point": rec["point"], "nearest": None}) + "\n").encode())
                    f.flush()
                    if len(received) == 3:
                        return

        threading.Thread(target=serve, daemon=True).start()
        try:
            c = Client("http://127.0.0.1:1", token="s3cret", tcp_port=listener.getsockname()[1])
            got = list(c.stream([(1, 2), (3, 4)]))
            self.assertEqual({"auth": "s3cret"}, received[0])
            self.assertEqual([0, 1], [a["id"] for a in got])
        finally:
            listener.close()


if __name__ == "__main__":
    unittest.main()
