"""privateconnect probe: can the vendor's connectors reach the customer?

Runs every minute in the vendor VPC, in the connectors' security group, so it
sees what a connector sees. Each run:

1. Builds its targets from the environment: SERVICES (PrivateLink, JSON
   [[service, [ports], tls], ...], reached as <service>.<ZONE>, target name
   <service>:<port>) and HOSTS (VPN, JSON [[host, port, tls], ...], target
   name vpn:<host>:<port>).
2. Opens a TCP connection to each target, all at once, within TIMEOUT_SECONDS;
   where tls is set, completes a TLS handshake and reads the certificate's
   expiry. The certificate is read, not verified: the endpoint is reached by
   a name of the vendor's private zone, which no customer certificate holds,
   and a customer's private CA is not in this runtime's trust store.
3. Prints one line per target in CloudWatch's Embedded Metric Format, which
   CloudWatch Logs turns into metrics of namespace NAMESPACE with dimensions
   Customer and Target: Reachable (1 or 0), ConnectMillis (when connected),
   TlsDaysLeft (when a certificate was read). The line also holds the host,
   the address tried and the error. Lambda ships stdout to CloudWatch Logs
   itself, so the probe needs no CloudWatch endpoint, no NAT gateway and no
   cloudwatch:PutMetricData permission in its isolated VPC.
4. Never raises for a failed target: a failed run would turn every target's
   metrics into missing data, which the alarms treat as a failure anyway,
   but the log would no longer say which target failed and why.
"""

import concurrent.futures
import datetime
import json
import os
import socket
import ssl
import time

# Every target at once (a PrivateLink stack has at most 60 ports, a VPN 10
# probe targets), so that a run takes one timeout, not one per target.
MAX_WORKERS = 72


def targets_from(env):
    """The targets of the environment: dicts with target, host, port, tls."""
    out = []
    zone = env.get("ZONE", "")
    for service, ports, tls in json.loads(env.get("SERVICES") or "[]"):
        for port in ports:
            out.append({"target": "%s:%d" % (service, port), "host": "%s.%s" % (service, zone), "port": port, "tls": bool(tls)})
    for host, port, tls in json.loads(env.get("HOSTS") or "[]"):
        out.append({"target": "vpn:%s:%d" % (host, port), "host": host, "port": port, "tls": bool(tls)})
    return out


def probe(target, timeout):
    """Connects to one target; returns what the metric line reports."""
    result = {"Target": target["target"], "Host": target["host"], "Port": target["port"], "Reachable": 0}
    try:
        infos = socket.getaddrinfo(target["host"], target["port"], socket.AF_INET, socket.SOCK_STREAM)
    except OSError as e:
        result["Error"] = "dns: %s" % e
        return result
    errors = []
    # Every address in turn, as a client library does: a PrivateLink name
    # has one address per AZ.
    for *_, address in infos:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        started = time.monotonic()
        try:
            sock.connect(address)
        except OSError as e:
            sock.close()
            errors.append("%s: %s" % (address[0], describe(e)))
            continue
        result["Address"] = address[0]
        result["ConnectMillis"] = round((time.monotonic() - started) * 1000, 1)
        try:
            if target["tls"]:
                days, error = tls_days_left(sock, target["host"], timeout)
                if error:
                    result["Error"] = "tls: %s" % error
                    return result
                result["TlsDaysLeft"] = days
            result["Reachable"] = 1
            return result
        finally:
            sock.close()
    result["Error"] = "; ".join(errors) or "no IPv4 address"
    return result


def describe(e):
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(e, ConnectionRefusedError):
        return "refused"
    return str(e) or type(e).__name__


def tls_days_left(sock, host, timeout):
    """Completes a TLS handshake on a connected socket; returns the days the
    peer's certificate has left (negative once expired) and an error."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    sock.settimeout(timeout)
    try:
        sni = None if is_ipv4(host) else host
        with context.wrap_socket(sock, server_hostname=sni, do_handshake_on_connect=False) as tls:
            tls.do_handshake()
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as e:
        return None, describe(e)
    if not der:
        return None, "no certificate"
    try:
        expires = not_after(der)
    except (ValueError, IndexError) as e:
        return None, "unreadable certificate: %s" % e
    left = expires - datetime.datetime.now(datetime.timezone.utc)
    return round(left.total_seconds() / 86400, 1), None


def is_ipv4(host):
    try:
        socket.inet_aton(host)
        return host.count(".") == 3
    except OSError:
        return False


def _tlv(der, i):
    """One DER element at i: its tag, and where its content starts and ends."""
    tag, length = der[i], der[i + 1]
    i += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(der[i:i + n], "big")
        i += n
    if i + length > len(der):
        raise ValueError("truncated DER")
    return tag, i, i + length


def not_after(der):
    """The notAfter of a DER X.509 certificate (RFC 5280 4.1), read with the
    standard library only: Certificate > tbsCertificate > validity."""
    _, start, _ = _tlv(der, 0)  # Certificate
    _, start, _ = _tlv(der, start)  # tbsCertificate
    tag, _, end = _tlv(der, start)
    if tag == 0xA0:  # [0] version
        tag, _, end = _tlv(der, end)  # serialNumber
    _, _, end = _tlv(der, end)  # signature
    _, _, end = _tlv(der, end)  # issuer
    _, start, _ = _tlv(der, end)  # validity
    _, _, end = _tlv(der, start)  # notBefore
    tag, start, end = _tlv(der, end)  # notAfter
    text = der[start:end].decode("ascii")
    if tag == 0x17:  # UTCTime, YYMMDDHHMMSSZ: 50-99 are 19xx
        year = int(text[:2])
        text = ("19" if year >= 50 else "20") + text
    elif tag != 0x18:  # GeneralizedTime, YYYYMMDDHHMMSSZ
        raise ValueError("notAfter has tag 0x%x" % tag)
    return datetime.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=datetime.timezone.utc)


def metric_line(customer, namespace, result, now_ms):
    """One Embedded Metric Format record:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html"""
    metrics = [{"Name": "Reachable", "Unit": "Count"}]
    if "ConnectMillis" in result:
        metrics.append({"Name": "ConnectMillis", "Unit": "Milliseconds"})
    if "TlsDaysLeft" in result:
        metrics.append({"Name": "TlsDaysLeft", "Unit": "None"})
    record = {
        "_aws": {"Timestamp": now_ms, "CloudWatchMetrics": [
            {"Namespace": namespace, "Dimensions": [["Customer", "Target"]], "Metrics": metrics}]},
        "Customer": customer,
    }
    record.update(result)
    return json.dumps(record, sort_keys=True)


def run(env, out=None):
    out = out or print
    targets = targets_from(env)
    timeout = float(env.get("TIMEOUT_SECONDS", "5"))
    customer, namespace = env["CUSTOMER"], env.get("NAMESPACE", "PrivateConnect/Probe")
    if not targets:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(targets))) as pool:
        results = list(pool.map(lambda t: probe(t, timeout), targets))
    now_ms = int(time.time() * 1000)
    for r in results:
        out(metric_line(customer, namespace, r, now_ms))
    return results


def handler(event, context):
    results = run(os.environ)
    return {"reachable": sum(r["Reachable"] for r in results), "targets": len(results)}
