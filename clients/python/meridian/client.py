"""The Meridian client: HTTP for searches, records, users and events; the TCP endpoint for large streams."""

import collections
import concurrent.futures
import datetime
import http.client
import json
import math
import select
import socket
import threading
import time
import urllib.parse

from .errors import ConnectionFailedError, InvalidInputError, MeridianError, UnavailableError, error_for

__all__ = ["Client"]

_DUMPS = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def _json_default(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise TypeError("timestamps must be timezone-aware, got %r" % (value,))
        return value.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError("%r is not JSON serializable" % (value,))


_DUMPS_EVENTS = json.JSONEncoder(separators=(",", ":"), allow_nan=False, default=_json_default).encode


def _coordinate(value, name, index):
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v):
        raise InvalidInputError(
            "invalid_coordinate",
            "point %d: %s must be a finite number, got %r" % (index, name, value),
            {"index": index, "field": name, "value": repr(value)})
    return v


def _point_record(index, point):
    """``(lat, lon)`` as the service's record text; lat/lon are checked here only for being numbers."""
    try:
        lat, lon = point
    except (TypeError, ValueError):
        raise InvalidInputError(
            "invalid_point", "point %d must be a (lat, lon) pair, got %r" % (index, point),
            {"index": index, "value": repr(point)}) from None
    # repr of a finite float is valid JSON and round-trips exactly
    return '{"id":%d,"point":{"lat":%r,"lon":%r}}' % (
        index, _coordinate(lat, "lat", index), _coordinate(lon, "lon", index))


def _point_records(points, start):
    """``_point_record`` for a batch, with the checks inlined: this loop is most of the client's time."""
    out = []
    append = out.append
    i = start
    for p in points:
        try:
            lat, lon = p
            lat = float(lat)
            lon = float(lon)
        except (TypeError, ValueError):
            _point_record(i, p)  # raises the precise error
        if lat - lat != 0 or lon - lon != 0:  # NaN or infinity
            _point_record(i, p)
        append('{"id":%d,"point":{"lat":%r,"lon":%r}}' % (i, lat, lon))
        i += 1
    return out


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Client:
    """A connection to one Meridian service.

    >>> Client("http://127.0.0.1:8080").get((48.8566, 2.3522))["name"]
    'Paris'

    ``token`` is sent as ``Authorization: Bearer TOKEN`` (and as the stream's first line). ``timeout`` is
    the socket timeout in seconds for one request. A 503 answer is retried after its ``Retry-After`` (at
    most ``max_retry_wait`` seconds each time) up to ``retries`` times, then raised as
    :class:`UnavailableError`. ``tcp_port`` is the service's stream port (``--tcp-port``, 9090 by default).
    Large inputs go in batches of ``batch_size`` records per request, up to ``concurrency`` batches at once
    (the next batch is encoded, and the last one's answer parsed, while the service works on another).

    A client keeps one HTTP connection per thread, so it may be shared between threads.
    """

    def __init__(self, url="http://127.0.0.1:8080", token=None, timeout=60.0, tcp_port=9090,
                 retries=5, max_retry_wait=30.0, batch_size=10000, concurrency=2):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must look like http://HOST:PORT, got %r" % (url,))
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.url = url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._base = parts.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.tcp_port = tcp_port
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.batch_size = batch_size
        self.concurrency = max(1, int(concurrency))
        self._local = threading.local()
        self._lock = threading.Lock()
        self._conns = []   # every thread's connection, for close()
        self._pool = None  # threads for concurrent batches, made on first use

    def __repr__(self):
        return "Client(%r)" % (self.url,)

    # --- authentication: the one place that knows how a token travels -----------------------------------

    def _auth_headers(self):
        return {"Authorization": "Bearer " + self.token} if self.token else {}

    def _stream_greeting(self):
        """The first line of a stream connection: the token, when there is one."""
        return (_DUMPS({"auth": self.token}) + "\n").encode() if self.token else b""

    # --- HTTP -------------------------------------------------------------------------------------------

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def _drop_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)

    def close(self):
        """Closes the client's connections and threads (the client stays usable: it reconnects on demand)."""
        with self._lock:
            conns, self._conns = self._conns, []
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def _map_batches(self, call, bodies):
        """``call(body)`` for each body, in order, with up to ``concurrency`` calls under way at once."""
        if self.concurrency == 1:
            for body in bodies:
                yield call(body)
            return
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(self.concurrency, "meridian-client")
            pool = self._pool
        under_way = collections.deque()
        try:
            for body in bodies:
                under_way.append(pool.submit(call, body))
                if len(under_way) >= self.concurrency:
                    yield under_way.popleft().result()
            while under_way:
                yield under_way.popleft().result()
        finally:
            for f in under_way:
                f.cancel()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, method, path, query=None, body=None, content_type="application/json"):
        """One call: JSON (or text) back, errors raised, 503 retried, a stale keep-alive reopened once."""
        target = self._base + path
        if query:
            target += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Accept": "application/json", **self._auth_headers()}
        if body is not None:
            headers["Content-Type"] = content_type
            if isinstance(body, str):
                body = body.encode("utf-8")
        attempt = 0
        reopened = False
        while True:
            conn = self._connection()
            try:
                conn.request(method, target, body=body, headers=headers)
                res = conn.getresponse()
                data = res.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # a keep-alive connection the server closed while idle: reopen once, then give up
                self._drop_connection()
                if reopened:
                    raise ConnectionFailedError(
                        "connection_failed", "%s %s: %s" % (method, target, e), {"url": self.url}) from e
                reopened = True
                continue
            except OSError as e:
                self._drop_connection()
                raise ConnectionFailedError(
                    "connection_failed", "cannot reach %s: %s" % (self.url, e), {"url": self.url}) from e
            if res.will_close:
                self._drop_connection()
            if res.status < 400:
                ctype = res.getheader("Content-Type", "")
                if ctype.startswith("application/json"):
                    return json.loads(data)
                return data.decode("utf-8")
            error = self._error(res, data)
            if res.status == 503 and attempt < self.retries:
                attempt += 1
                time.sleep(self._retry_wait(res, attempt))
                continue
            raise error

    def _retry_wait(self, res, attempt):
        try:
            wait = float(res.getheader("Retry-After"))
        except (TypeError, ValueError):
            wait = min(8.0, 0.25 * 2 ** attempt)  # no usable header: exponential back-off
        return max(0.0, min(wait, self.max_retry_wait))

    @staticmethod
    def _error(res, data):
        try:
            body = json.loads(data)
            code, message, detail = body["error"], body.get("message", ""), body.get("detail") or {}
        except (ValueError, KeyError, TypeError):
            code = "http_%d" % res.status
            message = data.decode("utf-8", "replace").strip() or res.reason
            detail = {}
        return error_for(res.status, code, message, detail)

    # --- nearest places ---------------------------------------------------------------------------------

    @staticmethod
    def _options(k, max_km, refs, places, country=False):
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise InvalidInputError("invalid_option", "k must be a positive integer, got %r" % (k,),
                                    {"field": "k", "value": repr(k)})
        q = {"refs": refs, "places": places}
        if k != 1:
            q["k"] = str(k)
        if max_km is not None:
            q["max_km"] = repr(float(max_km))
        if country:
            q["country"] = "true"
        return q

    def search(self, points, k=1, max_km=None, refs=None, country=False):
        """The nearest places of each ``(lat, lon)`` in ``points``, in order.

        For ``k == 1`` each entry is a dict ``{"id", "name", "distance_km", "lat", "lon", ...}`` with the
        reference set's other columns (e.g. ``"country"``), or ``None`` when nothing is within ``max_km``
        kilometres; for ``k > 1`` a list of such dicts, nearest first (possibly empty). Distances are
        great-circle kilometres. ``refs`` names a reference set (default: the service's default).

        With ``country=True`` each entry is instead ``{"nearest": <the entry above>, "country": {"alpha2",
        "alpha3", "name", "km"} or None}``: the country whose territory contains the point (``km`` 0), or
        whose border is within the territorial sea (``km`` the distance to it). It is a separate key, not a
        field of the place: the place's own ``"country"`` column comes from the reference set.
        """
        query = self._options(k, max_km, refs, "full", country)

        def bodies():
            index = 0
            for batch in _batches(points, self.batch_size):
                yield "[" + ",".join(_point_records(batch, index)) + "]"
                index += len(batch)

        out = []
        for answers in self._map_batches(lambda body: self._request("POST", "/enrich", query, body), bodies()):
            if country:
                out.extend({"nearest": a["nearest"], "country": a["country"]} for a in answers)
            else:
                out.extend(a["nearest"] for a in answers)
        return out

    def get(self, point, k=1, max_km=None, refs=None, country=False):
        """The nearest place of one ``(lat, lon)`` (see :meth:`search`)."""
        return self.search([point], k=k, max_km=max_km, refs=refs, country=country)[0]

    def enrich(self, records, k=1, max_km=None, refs=None, places="brief", country=False):
        """``/enrich`` as is: records ``{"id", "point": {"lat", "lon"}, "payload": [...]}`` in, the same
        records with ``"nearest"`` out, in order. ``places="full"`` adds each place's coordinates and columns;
        ``country=True`` adds ``"country"`` (see :meth:`search`).
        """
        query = self._options(k, max_km, refs, places, country)
        out = []
        bodies = (_DUMPS(batch) for batch in _batches(records, self.batch_size))
        for answers in self._map_batches(lambda body: self._request("POST", "/enrich", query, body), bodies):
            out.extend(answers)
        return out

    def stream(self, records, window=1000, on_error="raise", reconnects=5):
        """Enriches ``records`` over the TCP endpoint, yielding one answer per record, in order.

        ``records`` is any iterable (a generator is fine: it is read as the answers come back) of record
        dicts, as for :meth:`enrich`, or of ``(lat, lon)`` pairs, which become records with ``id`` their
        position. Each answer is the enriched record (``"nearest"`` from the service's default set).

        Memory stays bounded whatever the input's size: at most ``window`` records are sent and not yet
        answered. If the connection breaks, the client reconnects (up to ``reconnects`` times in a row) and
        sends again every record not yet answered, so no record is lost and the order holds.

        A record the service rejects raises :class:`InvalidInputError` (``detail["index"]`` is its
        position) with ``on_error="raise"``, or is yielded as that exception with ``on_error="yield"``.
        """
        if window < 1:
            raise ValueError("window must be at least 1")
        if on_error not in ("raise", "yield"):
            raise ValueError("on_error must be 'raise' or 'yield'")
        return self._stream(iter(records), window, on_error, reconnects)

    def _encode_stream_record(self, index, record):
        if isinstance(record, dict):
            try:
                return (_DUMPS(record) + "\n").encode("utf-8")
            except (TypeError, ValueError) as e:
                raise InvalidInputError("invalid_record", "record %d: %s" % (index, e), {"index": index}) from None
        return (_point_record(index, record) + "\n").encode("utf-8")

    def _stream_connect(self):
        try:
            sock = socket.create_connection((self._host, self.tcp_port), timeout=self.timeout)
        except OSError as e:
            raise ConnectionFailedError(
                "connection_failed", "cannot reach the stream endpoint %s:%s: %s" % (self._host, self.tcp_port, e),
                {"host": self._host, "port": self.tcp_port}) from e
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        return sock

    def _stream(self, source, window, on_error, reconnects):
        pending = collections.deque()  # (index, line) sent and not answered yet, oldest first
        out = bytearray()              # bytes to send
        inbuf = bytearray()            # bytes received, not a whole line yet
        exhausted = False
        next_index = 0
        failures = 0
        sock = self._stream_connect()
        out += self._stream_greeting()
        try:
            while True:
                while not exhausted and len(pending) < window:
                    try:
                        record = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    line = self._encode_stream_record(next_index, record)
                    pending.append((next_index, line))
                    out += line
                    next_index += 1
                if exhausted and not pending:
                    return
                try:
                    readable, writable, _ = select.select([sock], [sock] if out else [], [], self.timeout)
                    if not readable and not writable:
                        raise socket.timeout("no answer within %s s" % self.timeout)
                    if writable:
                        sent = sock.send(out)
                        del out[:sent]
                    if readable:
                        data = sock.recv(1 << 16)
                        if not data:
                            raise ConnectionResetError("the service closed the stream")
                        inbuf += data
                except OSError as e:
                    failures += 1
                    try:
                        sock.close()
                    except OSError:
                        pass
                    if failures > reconnects:
                        raise ConnectionFailedError(
                            "connection_failed", "the stream broke %d times in a row: %s" % (failures, e),
                            {"host": self._host, "port": self.tcp_port, "unanswered": len(pending)}) from e
                    time.sleep(min(2.0, 0.05 * 2 ** failures))
                    sock = self._stream_connect()
                    # what was sent and not answered may never have been read: send it all again, in order
                    inbuf.clear()
                    out = bytearray(self._stream_greeting())
                    for _, line in pending:
                        out += line
                    continue
                end = inbuf.rfind(b"\n")
                if end < 0:
                    continue
                lines = [line for line in bytes(inbuf[:end]).decode("utf-8").split("\n") if line.strip()]
                del inbuf[: end + 1]
                if not lines:
                    continue
                failures = 0
                # one parse for all whole lines received: half the time of one json.loads per line (500 lines)
                for answer in json.loads("[" + ",".join(lines) + "]"):
                    index, _ = pending.popleft()
                    if "error" in answer and "nearest" not in answer:
                        detail = dict(answer.get("detail") or {})
                        detail["index"] = index
                        err = InvalidInputError(answer["error"], answer.get("message", ""), detail)
                        if on_error == "raise":
                            raise err
                        yield err
                    else:
                        yield answer
        finally:
            try:
                sock.close()
            except OSError:
                pass

    # --- users and events -------------------------------------------------------------------------------

    def ingest(self, events):
        """Stores events ``{"id", "user_id", "point": {"lat", "lon"}, "value", "ts"}`` durably and
        idempotently (an event id seen before is a duplicate). ``ts`` may be an ISO-8601 string or an aware
        ``datetime``. Returns ``{"accepted": n, "duplicates": m}`` over all batches.
        """
        total = {"accepted": 0, "duplicates": 0}
        for batch in _batches(events, self.batch_size):
            r = self._request("POST", "/events", None, _DUMPS_EVENTS(batch))
            total["accepted"] += r["accepted"]
            total["duplicates"] += r["duplicates"]
        return total

    def create_user(self, name, email):
        return self._request("POST", "/users", None, _DUMPS({"name": name, "email": email}))

    def update_user(self, user_id, name, email):
        return self._request("PUT", "/users/%d" % int(user_id), None, _DUMPS({"name": name, "email": email}))

    def delete_user(self, user_id):
        return self._request("DELETE", "/users/%d" % int(user_id))

    def user(self, user_id):
        """A user with its ``aggregate`` (count, sum, min, max, mean, stddev, first/last ts, last place)."""
        return self._request("GET", "/users/%s" % urllib.parse.quote(str(user_id), safe=""))

    def users(self, page_size=100):
        """Every user, in id order, fetched a page at a time."""
        after = 0
        while True:
            page = self._request("GET", "/users", {"limit": str(page_size), "after": str(after)})
            for u in page["users"]:
                yield u
            after = page.get("next_after")
            if after is None or not page["users"]:
                return

    # --- the service ------------------------------------------------------------------------------------

    def health(self):
        """``/health`` (a 503 while starting is retried like any other)."""
        return self._request("GET", "/health")

    def refsets(self):
        """The loaded reference sets: ``{"default": name, "refsets": [{"name", "places", ...}]}``."""
        return self._request("GET", "/refsets")

    def put_refset(self, name, csv_text, on_error="fail"):
        """Loads (or replaces) a reference set from CSV text with id, name, lat, lon columns."""
        return self._request("PUT", "/refsets/%s" % urllib.parse.quote(name, safe=""), {"on_error": on_error},
                             csv_text, content_type="text/csv")

    def delete_refset(self, name):
        return self._request("DELETE", "/refsets/%s" % urllib.parse.quote(name, safe=""))
