"""The probe against local TCP and TLS servers on 127.0.0.1: open, refused,
timeout, TLS valid, expired, not spoken, stalled. Certificates come from the
cryptography package, made fresh for each run."""
import datetime
import json
import os
import socket
import ssl
import tempfile
import threading
import unittest
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import probe

TIMEOUT = 0.5
UTC = datetime.timezone.utc


def certificate(not_before, not_after, directory):
    """A self-signed certificate and key, as PEM files in directory."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "db.customer.example")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path, cert


class Server:
    """A listener on 127.0.0.1 that accepts connections and, per mode:
    plain (accepts, holds), tls (completes a handshake), silent (accepts,
    never answers a handshake)."""

    def __init__(self, mode="plain", cert=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.mode, self.conns, self.stop = mode, [], threading.Event()
        if mode == "tls":
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(*cert)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.conns.append(conn)
            if self.mode == "tls":
                try:
                    conn.settimeout(2)
                    self.conns.append(self.context.wrap_socket(conn, server_side=True))
                except (OSError, ssl.SSLError):
                    pass

    def close(self):
        self.stop.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()


def target(port, tls=False, host="127.0.0.1"):
    return {"target": "vpn:%s:%d" % (host, port), "host": host, "port": port, "tls": tls}


class TcpTest(unittest.TestCase):
    def test_open_port_is_reachable(self):
        server = Server()
        self.addCleanup(server.close)
        r = probe.probe(target(server.port), TIMEOUT)
        self.assertEqual(r["Reachable"], 1, r)
        self.assertEqual(r["Address"], "127.0.0.1")
        self.assertGreaterEqual(r["ConnectMillis"], 0)
        self.assertLess(r["ConnectMillis"], TIMEOUT * 1000)
        self.assertNotIn("Error", r)
        self.assertNotIn("TlsDaysLeft", r)

    def test_refused_port_is_unreachable(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        r = probe.probe(target(port), TIMEOUT)
        self.assertEqual(r["Reachable"], 0)
        self.assertIn("refused", r["Error"])
        self.assertNotIn("ConnectMillis", r)

    def test_silent_network_times_out(self):
        # A listener whose backlog is full drops further SYNs, as a security
        # group or a down tunnel does: connect() waits for the timeout.
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(0)
        self.addCleanup(s.close)
        fillers = []
        for _ in range(4):
            f = socket.socket()
            f.settimeout(0.2)
            try:
                f.connect(s.getsockname())
            except OSError:
                pass
            fillers.append(f)
        self.addCleanup(lambda: [f.close() for f in fillers])
        r = probe.probe(target(s.getsockname()[1]), TIMEOUT)
        self.assertEqual(r["Reachable"], 0)
        self.assertIn("timed out", r["Error"])

    def test_name_that_does_not_resolve(self):
        with mock.patch("socket.getaddrinfo", side_effect=socket.gaierror(-2, "Name or service not known")):
            r = probe.probe(target(443, host="db.corp.example.com"), TIMEOUT)
        self.assertEqual(r["Reachable"], 0)
        self.assertTrue(r["Error"].startswith("dns: "), r["Error"])

    def test_every_address_is_tried(self):
        # A PrivateLink name has one address per AZ: the first may fail.
        server = Server()
        self.addCleanup(server.close)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()
        s.close()  # nothing listens there: refused
        infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", dead), (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port))]
        with mock.patch("socket.getaddrinfo", return_value=infos):
            r = probe.probe(target(server.port, host="db.acme.connect.example.com"), TIMEOUT)
        self.assertEqual(r["Reachable"], 1, r)
        self.assertEqual(r["Address"], "127.0.0.1")


class TlsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.now = datetime.datetime.now(UTC)

    def serve(self, not_before, not_after):
        cert_path, key_path, _ = certificate(not_before, not_after, self.dir.name)
        server = Server("tls", (cert_path, key_path))
        self.addCleanup(server.close)
        return server

    def test_valid_certificate_reports_days_left(self):
        server = self.serve(self.now - datetime.timedelta(days=1), self.now + datetime.timedelta(days=30, hours=1))
        r = probe.probe(target(server.port, tls=True), TIMEOUT * 4)
        self.assertEqual(r["Reachable"], 1, r)
        self.assertAlmostEqual(r["TlsDaysLeft"], 30, delta=0.2)

    def test_expired_certificate_is_reachable_with_negative_days(self):
        # Not verified (see the module's docstring): an expired certificate
        # still connects, and TlsDaysLeft says how long ago it expired.
        server = self.serve(self.now - datetime.timedelta(days=400), self.now - datetime.timedelta(days=10))
        r = probe.probe(target(server.port, tls=True), TIMEOUT * 4)
        self.assertEqual(r["Reachable"], 1, r)
        self.assertAlmostEqual(r["TlsDaysLeft"], -10, delta=0.2)

    def test_port_that_does_not_speak_tls(self):
        server = Server("plain")
        self.addCleanup(server.close)
        r = probe.probe(target(server.port, tls=True), TIMEOUT)
        self.assertEqual(r["Reachable"], 0)
        self.assertTrue(r["Error"].startswith("tls: "), r)
        self.assertIn("ConnectMillis", r, "the TCP connection itself worked")
        self.assertNotIn("TlsDaysLeft", r)

    def test_not_after_in_generalized_time(self):
        # Certificates expiring in 2050 or later carry GeneralizedTime.
        _, _, cert = certificate(self.now, datetime.datetime(2061, 3, 4, 5, 6, 7, tzinfo=UTC), self.dir.name)
        der = cert.public_bytes(serialization.Encoding.DER)
        self.assertEqual(probe.not_after(der), datetime.datetime(2061, 3, 4, 5, 6, 7, tzinfo=UTC))

    def test_not_after_in_utc_time(self):
        _, _, cert = certificate(self.now, datetime.datetime(2031, 12, 31, 23, 59, 58, tzinfo=UTC), self.dir.name)
        self.assertEqual(probe.not_after(cert.public_bytes(serialization.Encoding.DER)), datetime.datetime(2031, 12, 31, 23, 59, 58, tzinfo=UTC))

    def test_truncated_certificate_is_an_error_not_a_crash(self):
        _, _, cert = certificate(self.now, self.now + datetime.timedelta(days=1), self.dir.name)
        with self.assertRaises(ValueError):
            probe.not_after(cert.public_bytes(serialization.Encoding.DER)[:60])


class RunTest(unittest.TestCase):
    def test_targets_follow_the_naming_contract(self):
        env = {"ZONE": "acme.connect.example.com", "SERVICES": json.dumps([["db", [5432, 5433], True]]),
               "HOSTS": json.dumps([["10.48.1.25", 5432, False]])}
        self.assertEqual(probe.targets_from(env), [
            {"target": "db:5432", "host": "db.acme.connect.example.com", "port": 5432, "tls": True},
            {"target": "db:5433", "host": "db.acme.connect.example.com", "port": 5433, "tls": True},
            {"target": "vpn:10.48.1.25:5432", "host": "10.48.1.25", "port": 5432, "tls": False},
        ])

    def test_one_metric_line_per_target_in_embedded_metric_format(self):
        server = Server()
        self.addCleanup(server.close)
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead = closed.getsockname()[1]
        closed.close()
        env = {"CUSTOMER": "acme", "NAMESPACE": "PrivateConnect/Probe", "TIMEOUT_SECONDS": str(TIMEOUT),
               "HOSTS": json.dumps([["127.0.0.1", server.port, False], ["127.0.0.1", dead, False]])}
        lines = []
        probe.run(env, out=lines.append)
        self.assertEqual(len(lines), 2)
        records = [json.loads(line) for line in lines]
        up, down = records
        for r in records:
            meta = r["_aws"]["CloudWatchMetrics"][0]
            self.assertEqual(meta["Namespace"], "PrivateConnect/Probe")
            self.assertEqual(meta["Dimensions"], [["Customer", "Target"]])
            self.assertEqual(r["Customer"], "acme")
            self.assertIsInstance(r["_aws"]["Timestamp"], int)
            # Every metric named is a number at the top level, as EMF requires.
            for m in meta["Metrics"]:
                self.assertIsInstance(r[m["Name"]], (int, float), m)
        self.assertEqual(up["Target"], "vpn:127.0.0.1:%d" % server.port)
        self.assertEqual([m["Name"] for m in up["_aws"]["CloudWatchMetrics"][0]["Metrics"]], ["Reachable", "ConnectMillis"])
        self.assertEqual((up["Reachable"], down["Reachable"]), (1, 0))
        self.assertEqual([m["Name"] for m in down["_aws"]["CloudWatchMetrics"][0]["Metrics"]], ["Reachable"])
        self.assertEqual(down["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"], "Count")

    def test_targets_are_probed_at_once(self):
        # Ten silent targets take one timeout, not ten: a run fits its minute.
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(0)
        self.addCleanup(s.close)
        port = s.getsockname()[1]
        fillers = []
        for _ in range(4):
            f = socket.socket()
            f.settimeout(0.2)
            try:
                f.connect(("127.0.0.1", port))
            except OSError:
                pass
            fillers.append(f)
        self.addCleanup(lambda: [f.close() for f in fillers])
        env = {"CUSTOMER": "acme", "TIMEOUT_SECONDS": str(TIMEOUT), "HOSTS": json.dumps([["127.0.0.1", port, False]] * 10)}
        started = datetime.datetime.now()
        results = probe.run(env, out=lambda line: None)
        elapsed = (datetime.datetime.now() - started).total_seconds()
        self.assertEqual([r["Reachable"] for r in results], [0] * 10)
        self.assertLess(elapsed, TIMEOUT * 4)

    def test_handler_reads_the_environment(self):
        server = Server()
        self.addCleanup(server.close)
        env = {"CUSTOMER": "acme", "TIMEOUT_SECONDS": "1", "HOSTS": json.dumps([["127.0.0.1", server.port, False]])}
        with mock.patch.dict(os.environ, env, clear=False), mock.patch("builtins.print"):
            self.assertEqual(probe.handler({}, None), {"reachable": 1, "targets": 1})


if __name__ == "__main__":
    unittest.main()
