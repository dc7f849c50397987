#!/usr/bin/env python3
"""The operator at cluster scale, on the real control plane: driven by bench/operator-scale.sh (read it first).

Python stdlib only. It talks to kube-apiserver over HTTPS with the admin client certificate that
OperatorScaleControlPlane.java writes, runs the packaged operator as its own process, and prints a table of figures
next to the targets of issue 10. Every process it starts and its temp folder go when it ends, however it ends.
"""
import argparse
import base64
import collections
import ctypes
import datetime
import http.client
import json
import os
import pickle
import queue
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

PROFILES = ["bench-a", "bench-b", "bench-c"]
OPERATOR_NAMESPACE = "udsproxy-system"
CONFIGURATION = "udsproxy-operator"  # the MutatingWebhookConfiguration whose caBundle the operator keeps
BENCH_LABEL = "udsproxy-bench/profile"  # on our Deployments: lists one profile's workloads without LISTing all
POD_LABEL = "udsproxy-bench"
HASH = "udsproxy.dev/profile-hash"  # what the operator writes on a template: the profile version it runs
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
MIB = 1024 * 1024
VERSION = None  # the SidecarProfile API version served, read from crds/ at start (crd_version)


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Api:
    """A minimal kube-apiserver client: one keep-alive connection per thread, client-certificate TLS."""

    def __init__(self, url, ca, cert, key):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)
        self.local = threading.local()

    def _conn(self):
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=120)
        return self.local.conn

    def call(self, method, path, body=None, content_type="application/json", accept="application/json", ok=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": accept}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            try:
                conn = self._conn()
                conn.request(method, path, data, headers)
                response = conn.getresponse()
                raw = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.local.conn = None  # the server closed a kept-alive connection: one retry on a new one
                if attempt == 2:
                    raise
        if response.status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}: {raw[:400].decode(errors='replace')}")
        if accept.startswith("text/"):
            return raw.decode()
        return json.loads(raw) if raw else None

    def get(self, path, ok=(200,)):
        return self.call("GET", path, ok=ok)

    def create(self, path, obj):
        return self.call("POST", path, obj)

    def merge_patch(self, path, patch):
        return self.call("PATCH", path, patch, content_type="application/merge-patch+json")

    def items(self, path, params=None, accept="application/json"):
        """Every item of a LIST, in pages of 500 (as kubectl does), so that no one answer is huge."""
        params = dict(params or {}, limit="500")
        while True:
            page = self.call("GET", path + "?" + urllib.parse.urlencode(params), accept=accept)
            yield from page.get("items") or []
            cont = page["metadata"].get("continue")
            if not cont:
                return
            params["continue"] = cont


# --- what the chart ships -----------------------------------------------------------------------------------------

def crd_version(repo):
    """The served version of the committed SidecarProfile CRD (the operator's API version follows the Java types)."""
    text = open(os.path.join(repo, "crds/sidecarprofiles.udsproxy.dev-v1.yml")).read()
    versions = re.findall(r'^  - .*?^    name: "?([^"\n]+)"?$', text, re.M | re.S)
    if not versions:
        raise SystemExit("operator-scale: no version found in crds/sidecarprofiles.udsproxy.dev-v1.yml")
    return versions[0]


def image_jvm_flags(repo):
    """The JVM flags of the operator image: its ENTRYPOINT (images/pom.xml) starts java with
    @/opt/udsproxy-operator/jvm.options, which is operator/src/main/jvm/jvm.options of this checkout (one flag per
    line, # comments). Any other flag of the ENTRYPOINT between java and -jar is taken as it is."""
    pom = open(os.path.join(repo, "images/pom.xml")).read()
    for entrypoint in re.findall(r"<entrypoint>(.*?)</entrypoint>", pom, re.S):
        args = re.findall(r"<arg>(.*?)</arg>", entrypoint)
        if any(a.endswith("quarkus-run.jar") for a in args):
            flags = []
            for a in args[1:args.index("-jar")]:  # between the java binary and -jar
                if a == "@/opt/udsproxy-operator/jvm.options":
                    for line in open(os.path.join(repo, "operator/src/main/jvm/jvm.options")):
                        line = line.strip()
                        if line and not line.startswith("#"):
                            flags.append(line)
                elif a.startswith("@"):
                    raise SystemExit(f"operator-scale: the operator ENTRYPOINT reads {a}, which this script does not know")
                else:
                    flags.append(a)
            return flags
    raise SystemExit("operator-scale: no ENTRYPOINT with quarkus-run.jar found in images/pom.xml")


def chart_memory_limit(repo):
    """resources.limits.memory of charts/udsproxy-operator/values.yaml, as (text, bytes)."""
    section, sub = None, None
    for line in open(os.path.join(repo, "charts/udsproxy-operator/values.yaml")):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":")[0]
        if indent == 0:
            section, sub = key, None
        elif section == "resources" and indent == 2:
            sub = key
        elif section == "resources" and sub == "limits" and key == "memory":
            text = line.split(":", 1)[1].strip()
            m = re.fullmatch(r"(\d+)(Mi|Gi)", text)
            if not m:
                raise SystemExit(f"operator-scale: cannot read the chart's memory limit '{text}' (expected NNMi or NGi)")
            return text, int(m.group(1)) * (MIB if m.group(2) == "Mi" else 1024 * MIB)
    raise SystemExit("operator-scale: charts/udsproxy-operator/values.yaml has no resources.limits.memory")


def memory_limit_wrapper(limit_bytes):
    """systemd-run --scope enforces the limit as a container would; where there is no systemd, -XX:MaxRAM only
    sizes the JVM as under that limit (heap = MaxRAMPercentage of it) and nothing kills it above: we say which."""
    try:
        probe = subprocess.run(["systemd-run", "--scope", "--quiet", "-p", f"MemoryMax={limit_bytes}", "true"],
                               capture_output=True, timeout=20)
        if probe.returncode == 0:
            return ["systemd-run", "--scope", "--quiet", "-p", f"MemoryMax={limit_bytes}"], [], "enforced (systemd-run --scope MemoryMax)"
        why = (probe.stderr.decode().strip().splitlines() or ["exit " + str(probe.returncode)])[0]
    except (OSError, subprocess.TimeoutExpired) as e:
        why = str(e)
    return [], [f"-XX:MaxRAM={limit_bytes}"], f"NOT enforced (systemd-run: {why}); JVM sized by -XX:MaxRAM"


# --- processes ----------------------------------------------------------------------------------------------------

def die_with_parent():
    """Runs in the child before exec: SIGTERM it when this script dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sampler(threading.Thread):
    """Reads the operator's /proc/PID/status and stat once a second: RSS, its high-water mark, CPU time."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stopped = pid, [], threading.Event()

    def read(self):
        status = open(f"/proc/{self.pid}/status").read()
        kib = {k: int(v.split()[0]) for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(.*)$", status, re.M)}
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return time.monotonic(), kib["VmRSS"] * 1024, kib["VmHWM"] * 1024, cpu

    def run(self):
        while not self.stopped.wait(1.0):
            try:
                self.samples.append(self.read())
            except (OSError, KeyError):
                return  # the process is gone

    def between(self, t0, t1):
        return [s for s in self.samples if t0 <= s[0] <= t1]


class Operator:
    def __init__(self, repo, work, api_url, limit_bytes, nmt=False):
        self.webhook_port, self.http_port = free_port(), free_port()
        wrapper, extra, self.limit_note = memory_limit_wrapper(limit_bytes)
        # A GC log besides the image's flags (logging only, no tuning): the pauses during the webhook load are printed
        # next to its latency, and the log is kept with the results.
        self.gc_log = os.path.join(work, "gc.log")
        self.flags = image_jvm_flags(repo) + extra
        # Logging only, besides the image's flags: the GC log, and with --nmt the JVM's native memory tracking (its
        # own bookkeeping costs a few MiB, so a --nmt run's RSS figures are not the ones of record).
        self.gc_flag = f"-Xlog:gc:file={self.gc_log}:uptime"
        self.nmt = nmt
        if nmt:
            self.gc_flag += " -XX:NativeMemoryTracking=summary"
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        jar = os.path.join(repo, "operator/target/quarkus-app/quarkus-run.jar")
        self.command = wrapper + [java] + self.flags + self.gc_flag.split(" ") + ["-jar", jar]
        b64 = lambda name: base64.b64encode(open(os.path.join(work, name), "rb").read()).decode()
        # The chart's env (charts/udsproxy-operator/templates/operator-deployment.yaml), for a process on this host:
        # the webhook on loopback, its certificate also for 127.0.0.1, the client as the admin of the test plane.
        self.env = dict(os.environ,
                        MALLOC_ARENA_MAX="2",  # as the operator image's environment sets it (images/pom.xml)
                        UDSPROXY_NAMESPACE=OPERATOR_NAMESPACE,
                        UDSPROXY_WEBHOOK_HOST="127.0.0.1",
                        UDSPROXY_WEBHOOK_PORT=str(self.webhook_port),
                        UDSPROXY_WEBHOOK_CONFIGURATION_NAME=CONFIGURATION,
                        UDSPROXY_WEBHOOK_EXTRA_IP_ADDRESSES="127.0.0.1",
                        UDSPROXY_WEBHOOK_EXTRA_DNS_NAMES="localhost",
                        UDSPROXY_LEADER_ELECTION="true",
                        UDSPROXY_LEADER_ELECTION_LEASE="udsproxy-operator",
                        UDSPROXY_LOG_FORMAT="text",
                        QUARKUS_HTTP_PORT=str(self.http_port),
                        QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL=api_url,
                        QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA=b64("ca.pem"),
                        QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_DATA=b64("client.pem"),
                        QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_DATA=b64("client-key.pem"),
                        QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_ALGO="EC")
        self.log_path = os.path.join(work, "operator.log")
        self.process, self.sampler = None, None

    def start(self):
        log("operator: " + " ".join(self.command))
        self.started = time.monotonic()  # ~ the JVM's uptime 0, which the GC log counts from
        out = open(self.log_path, "ab")
        # A session of its own: a Ctrl-C reaches this script only, which then stops the operator in order.
        self.process = subprocess.Popen(self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent)
        self.sampler = Sampler(self.process.pid)
        self.sampler.start()

    def await_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the operator exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=2)
                c.request("GET", "/q/health/ready")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the operator was not ready within {timeout} s:\n{self.log_tail()}")

    def metrics(self):
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        c.request("GET", "/q/metrics")
        return c.getresponse().read().decode()

    def gc_log_lines(self):
        try:
            return open(self.gc_log).read().splitlines()
        except OSError:
            return []

    def gc_pauses(self, t0, t1):
        """The GC pauses logged between monotonic t0 and t1: {"Young"|"Full"|"Other": [ms, ...]} (Young includes
        G1's mixed collections, Other its Remark and Cleanup pauses)."""
        u0, u1 = t0 - self.started, t1 - self.started
        pauses = {"Young": [], "Full": [], "Other": []}
        for line in self.gc_log_lines():
            m = re.match(r"\[(\d+\.\d+)s\].*Pause (Young|Full|Remark|Cleanup).* (\d+\.\d+)ms$", line)
            if m and u0 <= float(m.group(1)) <= u1:
                kind = m.group(2) if m.group(2) in ("Young", "Full") else "Other"
                pauses[kind].append(float(m.group(3)))
        return pauses

    def live_heap(self):
        """A full GC on request (jcmd GC.run, as an operator of the JVM would), then the heap it left: what the caches
        and the rest really hold, which the young collections of the steady state never show. Returns (live bytes,
        RSS bytes 5 s after it) or None where jcmd is missing."""
        jcmd = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jcmd")
        if not os.path.exists(jcmd):
            return None
        t0 = time.monotonic()
        subprocess.run([jcmd, str(self.process.pid), "GC.run"], capture_output=True, timeout=60)
        time.sleep(5)
        for line in reversed(self.gc_log_lines()):
            m = re.match(r"\[(\d+\.\d+)s\].*Pause Full \((?:System.gc\(\)|Diagnostic Command)\) \d+M->(\d+)M", line)
            if m and float(m.group(1)) >= t0 - self.started - 1:
                return int(m.group(2)) * MIB, self.sampler.read()[1]
        return None

    def native_memory(self):
        """With --nmt: `jcmd VM.native_memory summary` now, as {category: committed bytes} plus the text itself under
        "text"; None without --nmt or jcmd."""
        jcmd = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jcmd")
        if not self.nmt or not os.path.exists(jcmd):
            return None
        text = subprocess.run([jcmd, str(self.process.pid), "VM.native_memory", "summary"], capture_output=True,
                              text=True, timeout=60).stdout
        out = {"text": text}
        for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", text, re.M):
            out[m.group(1).strip()] = int(m.group(2)) * 1024
        m = re.search(r"^Total: reserved=\d+KB, committed=(\d+)KB", text, re.M)
        if m:
            out["Total"] = int(m.group(1)) * 1024
        return out

    def log_tail(self, lines=40):
        try:
            return "".join(open(self.log_path, errors="replace").readlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.sampler:
            self.sampler.stopped.set()


class ControlPlane:
    """bench/OperatorScaleControlPlane.java in a JVM of its own; it stops the plane when our end of its stdin closes."""

    def __init__(self, repo, work, classpath, controller_qps):
        self.process = subprocess.Popen(
            [os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "-XX:+UseSerialGC", "-Xmx256m",
             "-cp", classpath, os.path.join(repo, "bench/OperatorScaleControlPlane.java"), work,
             os.path.join(repo, "crds"), str(controller_qps)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "controlplane.log"), "ab"),
            start_new_session=True, preexec_fn=die_with_parent, text=True)
        self.log_path = os.path.join(work, "controlplane.log")
        for line in self.process.stdout:
            log("control plane: " + line.rstrip())
            if line.startswith("READY "):
                self.url = line.split()[1]
                return
        raise RuntimeError("the control plane did not start:\n" + open(self.log_path, errors="replace").read()[-3000:])

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(60)
            except (OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                self.process.wait(30)


# --- the cluster's contents ---------------------------------------------------------------------------------------

def webhook_configuration(url):
    """As the chart installs it (the same two entries as the operator ITs' ControlPlaneResource), by URL to the
    operator on loopback; caBundle empty: the operator sets it."""
    never = ["kube-system", "kube-public", OPERATOR_NAMESPACE]
    not_system = {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": never}]}

    def entry(name, namespaces, objects):
        return {"name": name, "clientConfig": {"url": url},
                "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"],
                           "scope": "Namespaced"}],
                "namespaceSelector": namespaces, "objectSelector": objects, "admissionReviewVersions": ["v1"],
                "sideEffects": "NoneOnDryRun", "failurePolicy": "Fail", "reinvocationPolicy": "IfNeeded",
                "timeoutSeconds": 5}
    return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": CONFIGURATION},
            "webhooks": [
                entry("pods.udsproxy.dev", not_system, {"matchLabels": {"udsproxy.dev/inject": "true"}}),
                entry("namespaces.udsproxy.dev", dict(not_system, matchLabels={"udsproxy.dev/injection": "enabled"}),
                      {"matchExpressions": [{"key": "udsproxy.dev/inject", "operator": "NotIn",
                                             "values": ["false", "true"]}]})]}


def deployment(name, namespace, profile, replicas):
    """An annotated Deployment as a user writes it; Recreate, so that a roll never leaves extra Pods to count."""
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": {BENCH_LABEL: profile},
                         "annotations": {"udsproxy.dev/inject": "true", "udsproxy.dev/profile": profile}},
            "spec": {"replicas": replicas, "strategy": {"type": "Recreate"},
                     "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name, POD_LABEL: "1"}},
                                  "spec": {"containers": [{
                                      "name": "app", "image": "registry.invalid/bench-app:1",
                                      "ports": [{"name": "http", "containerPort": 8080}],
                                      "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}}}}


def in_parallel(work, threads=4):
    """Runs the callables on a few threads (each with its own API connection); re-raises the first failure."""
    jobs, errors = queue.Queue(), []
    for w in work:
        jobs.put(w)

    def drain():
        while not errors:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
    pool = [threading.Thread(target=drain) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]


def deployments(api, profile=None):
    selector = f"{BENCH_LABEL}={profile}" if profile else BENCH_LABEL
    return list(api.items("/apis/apps/v1/deployments", {"labelSelector": selector}))


def template_hash(d):
    return (d["spec"]["template"]["metadata"].get("annotations") or {}).get(HASH)


def settled(d, replicas):
    """kube-controller-manager is done with it: the opted-in template's Pods all exist (Pending: no kubelet)."""
    s = d.get("status") or {}
    opted_in = template_hash(d) is not None
    return (opted_in and s.get("observedGeneration", 0) >= d["metadata"]["generation"]
            and s.get("updatedReplicas", 0) == replicas and s.get("replicas", 0) == replicas)


def await_settled(api, count, replicas, timeout, what):
    t0, last = time.monotonic(), 0
    while True:
        ds = deployments(api)
        done = sum(settled(d, replicas) for d in ds)
        if len(ds) == count and done == count:
            return time.monotonic()
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"{what}: only {done} of {count} Deployments settled after {timeout} s")
        if time.monotonic() - last > 15:
            pods = sum((d.get("status") or {}).get("updatedReplicas", 0) for d in ds)
            log(f"{what}: {done}/{count} Deployments settled, {pods}/{count * replicas} Pods of current templates")
            last = time.monotonic()
        time.sleep(2)


def pod_counts(api):
    """All bench Pods, metadata only (no specs: a fraction of the bytes): total, injected, terminating."""
    total = injected = terminating = 0
    for p in api.items("/api/v1/pods", {"labelSelector": POD_LABEL}, accept=METADATA_ONLY):
        total += 1
        injected += "udsproxy.dev/status" in (p["metadata"].get("annotations") or {})
        terminating += "deletionTimestamp" in p["metadata"]
    return total, injected, terminating


# --- the webhook under load ---------------------------------------------------------------------------------------

def admission_review(api, namespace, name):
    """What the ReplicaSet controller would send for one more Pod of this Deployment: its current (opted-in)
    template, owned by its current ReplicaSet; a fresh uid per request is filled in for UID."""
    d = api.get(f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
    rs = next(r for r in api.items(f"/apis/apps/v1/namespaces/{namespace}/replicasets")
              if r["metadata"]["ownerReferences"][0]["name"] == name and r["spec"]["replicas"] > 0)
    meta = json.loads(json.dumps(d["spec"]["template"]["metadata"]))
    meta.update(generateName=rs["metadata"]["name"] + "-", namespace=namespace,
                ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs["metadata"]["name"],
                                  "uid": rs["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}])
    meta["labels"]["pod-template-hash"] = rs["metadata"]["labels"]["pod-template-hash"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": d["spec"]["template"]["spec"]}
    gvk = {"group": "", "version": "v1", "kind": "Pod"}
    gvr = {"group": "", "version": "v1", "resource": "pods"}
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": "UID", "kind": gvk, "resource": gvr, "requestKind": gvk, "requestResource": gvr,
        "namespace": namespace, "operation": "CREATE",
        "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
        "dryRun": False, "object": pod}})


def webhook_load(repo, work, port, ca_file, body, rate, seconds, warmup=5):
    """bench/OperatorScaleLoad.java (JDK only): open loop at `rate` for `seconds` after `warmup` seconds not counted."""
    body_file = os.path.join(work, "admission-review.json")
    with open(body_file, "w") as f:
        f.write(body)
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    done = subprocess.run([java, "-XX:+UseParallelGC", "-Xmx256m", os.path.join(repo, "bench/OperatorScaleLoad.java"),
                           str(port), ca_file, body_file, str(rate), str(warmup), str(seconds)],
                          capture_output=True, text=True, timeout=seconds + warmup + 180, preexec_fn=die_with_parent)
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def server_side_buckets(metrics):
    """udsproxy_admission_duration_seconds_bucket{le=...} counts (the operator's own decode-to-encode time)."""
    out = {}
    for le, value in re.findall(r'^udsproxy_admission_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\}\s+(\S+)',
                                metrics, re.M):
        bound = float("inf") if le == "+Inf" else float(le)
        out[bound] = out.get(bound, 0) + float(value)
    return out


def bucket_quantile(before, after, q):
    """The upper bound of the bucket holding quantile q of the requests between two scrapes."""
    bounds = sorted(after)
    total = after[bounds[-1]] - before.get(bounds[-1], 0)
    for b in bounds:
        if total and after[b] - before.get(b, 0) >= q * total:
            return b
    return float("nan")


# --- steady state: API requests and Events ------------------------------------------------------------------------

def request_totals(api):
    """apiserver_request_total summed by (verb, resource[/subresource]); response bytes by the same key."""
    text = api.call("GET", "/metrics", accept="text/plain")
    counts, sizes = collections.Counter(), collections.Counter()
    for name, labels, value in re.findall(r"^(apiserver_request_total|apiserver_response_sizes_sum)\{([^}]*)\}\s+(\S+)",
                                          text, re.M):
        l = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        resource = l.get("resource", "") + ("/" + l["subresource"] if l.get("subresource") else "")
        if not resource:
            continue  # non-resource paths (/metrics, /readyz): our own scrapes and probes
        key = (l.get("verb", ""), resource)
        (counts if name == "apiserver_request_total" else sizes)[key] += float(value)
    return counts, sizes


def events(api):
    """Every Event: uid -> (who reported it, reason, count)."""
    out = {}
    for e in api.items("/api/v1/events"):
        who = e.get("reportingComponent") or (e.get("source") or {}).get("component") or "?"
        out[e["metadata"]["uid"]] = (who, e.get("reason", ""), e.get("count") or 1)
    return out


def quiet_window(api, seconds, operator, label):
    """Nothing is changed by us for `seconds`: what the API server serves then is the steady state."""
    log(f"quiet window {label}: {seconds} s")
    before_events = events(api)
    counts0, sizes0 = request_totals(api)
    t0 = time.monotonic()
    cpu0 = operator.sampler.read()[3] if operator else None
    time.sleep(seconds)
    cpu1 = operator.sampler.read()[3] if operator else None
    counts1, sizes1 = request_totals(api)
    minutes = (time.monotonic() - t0) / 60
    after_events = events(api)
    new = collections.Counter(after_events[u][:2] for u in after_events.keys() - before_events.keys())
    bumped = sum(after_events[u][2] - before_events[u][2] for u in after_events.keys() & before_events.keys())
    rates = {k: (counts1[k] - counts0[k]) / minutes for k in counts1}
    bytes_ = {k: (sizes1[k] - sizes0[k]) / minutes for k in sizes1}
    return {"rates": rates, "bytes": bytes_, "new_events": new, "bumped": bumped, "minutes": minutes,
            "cpu": None if cpu0 is None else (cpu1 - cpu0) / (minutes * 60)}


# --- profile changes ----------------------------------------------------------------------------------------------

def profile_change(api, profile, spec_patch, poll):
    """Patches the profile and yields (seconds since the patch, rolled, total, new hashes) at each poll: a workload
    has rolled once its template carries a profile hash other than the one all of them had before."""
    before = deployments(api, profile)
    old = {template_hash(d) for d in before}
    if len(old) != 1:
        raise RuntimeError(f"the workloads of {profile} carry {len(old)} hashes before the change: {old}")
    api.merge_patch(f"/apis/udsproxy.dev/{VERSION}/sidecarprofiles/{profile}", {"spec": spec_patch})
    t0 = time.monotonic()
    while True:
        ds = deployments(api, profile)
        new = {template_hash(d) for d in ds} - old
        rolled = sum(template_hash(d) not in old for d in ds)
        yield time.monotonic() - t0, rolled, len(ds), new
        time.sleep(poll)


# --- the run ------------------------------------------------------------------------------------------------------

def loadavg():
    """The machine's 1-minute load average: the figures are only as quiet as the machine was."""
    return float(open("/proc/loadavg").read().split()[0])


def mib(b):
    return f"{b / MIB:.0f} MiB"


def main():
    p = argparse.ArgumentParser(prog="bench/operator-scale.sh", description=__doc__)
    p.add_argument("--repo", required=True, help=argparse.SUPPRESS)
    p.add_argument("--classpath", help=argparse.SUPPRESS)
    p.add_argument("--scale", type=int, default=500)
    p.add_argument("--replicas", type=int, default=10)
    p.add_argument("--quiet-window", type=int, default=180)
    p.add_argument("--load-seconds", type=int, default=45)
    p.add_argument("--rate", type=int, default=200)
    p.add_argument("--paced-seconds", type=int, default=120)
    p.add_argument("--controller-qps", type=int, default=20)
    p.add_argument("--nmt", action="store_true")
    p.add_argument("--render", help=argparse.SUPPRESS)  # a .pickle of an earlier run: print its table again
    a = p.parse_args()
    repo = a.repo
    if a.render:
        saved = pickle.load(open(a.render, "rb"))
        ran = datetime.datetime.fromtimestamp(os.path.getmtime(a.render), datetime.timezone.utc)
        print(f"(table re-rendered from {os.path.basename(a.render)}, a run that ended {ran:%Y-%m-%d %H:%M} UTC)")
        print(render(saved["args"], repo, saved["report"], chart_memory_limit(repo)[0]), end="")
        return
    global VERSION
    VERSION = crd_version(repo)
    limit_text, limit_bytes = chart_memory_limit(repo)
    work = tempfile.mkdtemp(prefix="udsproxy-operator-scale-")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    results_dir = os.path.join(repo, "bench-results")
    os.makedirs(results_dir, exist_ok=True)
    out_path = os.path.join(results_dir, f"operator-scale-{stamp}.txt")
    plane = None

    def on_signal(signum, _frame):
        raise SystemExit(f"operator-scale: stopped by signal {signum}")
    def on_interrupt(_signum, _frame):
        raise KeyboardInterrupt
    # Explicitly: a shell that starts us in the background leaves SIGINT ignored, and Ctrl-C must still clean up.
    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        plane = ControlPlane(repo, work, a.classpath, a.controller_qps)
        api = Api(plane.url, *(os.path.join(work, f) for f in ("ca.pem", "client.pem", "client-key.pem")))
        report = run(a, repo, work, api, plane, limit_bytes)
        # The raw figures first: a table can be rendered again from them (--render FILE) if rendering fails.
        with open(out_path.replace(".txt", ".pickle"), "wb") as f:
            pickle.dump({"args": a, "report": {k: v for k, v in report.items() if k != "operator"}}, f)
        text = render(a, repo, report, limit_text)
        print(text)
        with open(out_path, "w") as f:
            f.write(text)
        shutil.copy(report["operator_log"], out_path.replace(".txt", ".operator.log"))
        shutil.copy(report["operator"].gc_log, out_path.replace(".txt", ".gc.log"))
        for when, v in (report.get("nmt") or {}).items():
            if v:
                with open(out_path.replace(".txt", f".nmt-{when.replace(' ', '-')}.txt"), "w") as f:
                    f.write(v["text"])
        log(f"written: {out_path} (and the operator's log and GC log next to it)")
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
        sys.exit(130)
    except Exception:
        for o in RUNNING:
            log(f"failed; the operator's log is kept as {out_path.replace('.txt', '.operator.log')}; its end:\n"
                + o.log_tail(25) + (f"\n(operator exit code {o.process.returncode})" if o.process and o.process.poll() is not None else ""))
            shutil.copy(o.log_path, out_path.replace(".txt", ".operator.log"))
        raise
    finally:
        for o in RUNNING:
            o.stop()
        if plane:
            plane.stop()
        shutil.rmtree(work, ignore_errors=True)


RUNNING = []  # operators started, stopped on the way out whatever happens


def run(a, repo, work, api, plane, limit_bytes):
    n, r = a.scale, a.replicas
    namespaces = [f"bench-{i:02d}" for i in range(min(10, n))]
    for ns in namespaces:
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for name in ["default"] + PROFILES:
        api.create(f"/apis/udsproxy.dev/{VERSION}/sidecarprofiles",
                   {"apiVersion": f"udsproxy.dev/{VERSION}", "kind": "SidecarProfile", "metadata": {"name": name},
                    # never pulled: no kubelet runs these Pods
                    "spec": {"image": "registry.invalid/udsproxy-sidecar:bench"}})
    operator = Operator(repo, work, plane.url, limit_bytes, getattr(a, "nmt", False))
    RUNNING.append(operator)
    api.create("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
               webhook_configuration(f"https://127.0.0.1:{operator.webhook_port}/mutate-pods"))
    report = {"operator": operator, "operator_log": operator.log_path, "flags": operator.flags,
              "limit_note": operator.limit_note}

    # 1. Idle: started, ready, caBundle set, the four profiles reconciled, nothing else.
    t_start = time.monotonic()
    operator.start()
    operator.await_ready()
    while not api.get(f"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{CONFIGURATION}")[
            "webhooks"][0]["clientConfig"].get("caBundle"):
        time.sleep(0.5)
    report["ready_s"] = time.monotonic() - t_start
    log(f"operator ready in {report['ready_s']:.1f} s; idle for 30 s")
    time.sleep(30)
    idle = operator.sampler.between(time.monotonic() - 10, time.monotonic())
    report["loadavg"] = {"idle": loadavg()}
    report["rss_idle"] = sorted(s[1] for s in idle)[len(idle) // 2]
    report["nmt"] = {"idle": operator.native_memory()}
    report["hwm_idle"] = idle[-1][2]

    # 2. Scale: N annotated Deployments x R replicas; the operator opts their templates in, the controller manager
    # makes the ReplicaSets and Pods, and each Pod passes the webhook.
    log(f"creating {n} Deployments x {r} replicas over {len(namespaces)} namespaces and {len(PROFILES)} profiles")
    t0 = time.monotonic()
    in_parallel([(lambda i=i: api.create(f"/apis/apps/v1/namespaces/{namespaces[i % len(namespaces)]}/deployments",
                                         deployment(f"w-{i:04d}", namespaces[i % len(namespaces)],
                                                    PROFILES[i % len(PROFILES)], r))) for i in range(n)])
    report["create_s"] = time.monotonic() - t0
    report["all_pods_s"] = await_settled(api, n, r, 3600, "scale-up") - t0
    report["pods"] = pod_counts(api)
    log(f"all Pods exist {report['all_pods_s']:.0f} s after the first create: (total, injected, terminating)"
        f" = {report['pods']}")

    # 3. The webhook at a fixed rate, straight to its HTTPS port (not through the API server), at scale.
    ca_file = os.path.join(work, "webhook-ca.pem")
    bundle = api.get(f"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{CONFIGURATION}")
    with open(ca_file, "wb") as f:
        f.write(base64.b64decode(bundle["webhooks"][0]["clientConfig"]["caBundle"]))
    body = admission_review(api, namespaces[0], "w-0000")
    log(f"webhook: {a.rate} AdmissionReviews/s for {a.load_seconds} s")
    report["loadavg"]["webhook load"] = loadavg()
    m0 = server_side_buckets(operator.metrics())
    api0, _ = request_totals(api)
    children0 = os.times()
    t0 = time.monotonic()
    load = webhook_load(repo, work, operator.webhook_port, ca_file, body, a.rate, a.load_seconds)
    t1 = time.monotonic()
    children1 = os.times()
    api1, _ = request_totals(api)
    m1 = server_side_buckets(operator.metrics())
    # Each admitted Pod is reported with an Event on its owner: the load writes Events as real Pod creations would.
    report["load_events"] = sum(api1[k] - api0.get(k, 0) for k in api1 if k[1] == "events" and k[0] in ("POST", "PATCH"))
    report["load_client_cpu"] = ((children1.children_user + children1.children_system)
                                 - (children0.children_user + children0.children_system)) / (t1 - t0)
    cpu = operator.sampler.between(t0, t1)
    report["load"] = dict(load, **{
                      "server_p50": bucket_quantile(m0, m1, 0.5) if m1 else None,
                      "server_p99": bucket_quantile(m0, m1, 0.99) if m1 else None,
                      "cpu": (cpu[-1][3] - cpu[0][3]) / (cpu[-1][0] - cpu[0][0]) if len(cpu) > 1 else None,
                      "gc": operator.gc_pauses(t0, t1)})

    # 4. Steady state with the operator: nothing changes.
    time.sleep(30)  # the Events of the load's admissions drain, the scale-up's last status writes land
    t0 = time.monotonic()
    report["with"] = quiet_window(api, a.quiet_window, operator, "with the operator")
    report["loadavg"]["window with"] = loadavg()
    steady = operator.sampler.between(t0, time.monotonic())
    report["rss_steady"] = sorted(s[1] for s in steady)[len(steady) // 2]
    report["rss_steady_max"] = max(s[1] for s in steady)
    report["nmt"]["at scale"] = operator.native_memory()
    report["live_heap"] = operator.live_heap()

    # 5. A profile change with pacing off: how long until every template of the profile carries the new hash.
    log(f"profile change on {PROFILES[0]} with spec.rollout.maxWorkloadsPerMinute: 0")
    for elapsed, rolled, total, new in profile_change(api, PROFILES[0],
                                                      {"backlog": 1024, "rollout": {"maxWorkloadsPerMinute": 0}}, 0.5):
        if rolled == total:
            report["unpaced"] = (elapsed, total, new)
            break
        if elapsed > 600:
            report["unpaced"] = (None, total, new, rolled)
            break
    log(f"profile change unpaced: {report['unpaced']}")
    report["unpaced_pods_s"] = await_settled(api, n, r, 1800, "unpaced roll") - t0

    # 6. A profile change at the default pace: the rate it rolls at, observed for a while (not until done).
    log(f"profile change on {PROFILES[1]} with the default pacing, watched for {a.paced_seconds} s")
    steps = []
    for elapsed, rolled, total, _ in profile_change(api, PROFILES[1], {"backlog": 1024}, 2):
        if not steps or steps[-1][1] != rolled:
            steps.append((elapsed, rolled))
        if elapsed >= a.paced_seconds or rolled == total:
            report["paced"] = {"elapsed": elapsed, "rolled": rolled, "total": total, "steps": steps}
            break
    # Manual from here: the rest stay outdated and nothing rolls during the last quiet window.
    api.merge_patch(f"/apis/udsproxy.dev/{VERSION}/sidecarprofiles/{PROFILES[1]}", {"spec": {"rollout": {"mode": "manual"}}})
    await_settled(api, n, r, 1800, "paced roll")
    report["rss_peak"] = operator.sampler.read()[2]

    # 7. Steady state without the operator: the control plane's own requests (the controller manager's), to
    # subtract. The Pods all exist, so the webhook's absence refuses nothing.
    operator.stop()
    time.sleep(30)
    report["without"] = quiet_window(api, a.quiet_window, None, "without the operator")
    report["loadavg"]["window without"] = loadavg()
    return report


def render(a, repo, rep, limit_text):
    limit_bytes = chart_memory_limit(repo)[1]
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--", "operator", "contract", "crds"],
                           capture_output=True, text=True).stdout.strip()
    L = []
    w = L.append
    # The operator's code is what is measured: name the last commit that changed it, not only HEAD.
    code = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%h", "--", "operator", "contract", "crds"],
                          capture_output=True, text=True).stdout.strip()
    w(f"# operator at scale: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, checkout {commit},"
      f" operator code of commit {code}" + (" with uncommitted changes" if dirty else ""))
    w(f"bench/operator-scale.sh --scale {a.scale} --replicas {a.replicas} --quiet-window {a.quiet_window}"
      f" --load-seconds {a.load_seconds} --rate {a.rate} --paced-seconds {a.paced_seconds}"
      f" --controller-qps {getattr(a, 'controller_qps', 20)}")
    w(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB;"
      f" real etcd + kube-apiserver + kube-controller-manager (no kubelet: Pods stay Pending); load average"
      f" (1 min) at " + ", ".join(f"{k} {v:.1f}" for k, v in rep["loadavg"].items()))
    w(f"operator: operator/target/quarkus-app/quarkus-run.jar, JVM flags {' '.join(rep['flags'])}"
      f" (images/pom.xml ENTRYPOINT) and -Xlog:gc to a file" + (", -XX:NativeMemoryTracking=summary (--nmt)" if rep.get("nmt")
      and any(rep["nmt"].values()) else "") + f"; chart memory limit {limit_text}: {rep['limit_note']}")
    total, injected, terminating = rep["pods"]
    w(f"workloads: {a.scale} Deployments x {a.replicas} (Recreate) over {len(PROFILES)} profiles; {total} Pods"
      f" ({injected} injected, {terminating} terminating); all Pods existed {rep['all_pods_s']:.0f} s after the first"
      f" create (the creates took {rep['create_s']:.0f} s)")
    w("")
    ld = rep["load"]
    up = rep["unpaced"]
    pc = rep["paced"]
    rows = [
        ("operator RSS idle (median VmRSS, 30 s after ready)", mib(rep["rss_idle"]), "<= 160 MiB", rep["rss_idle"] <= 160 * MIB),
        ("operator RSS at scale, steady (median over the quiet window)", mib(rep["rss_steady"]), "<= 256 MiB",
         rep["rss_steady"] <= 256 * MIB),
        ("operator RSS at scale, peak (VmHWM, whole run)", mib(rep["rss_peak"]), f"<= 256 MiB, inside {limit_text}",
         rep["rss_peak"] <= 256 * MIB),
        ("live heap after a full GC at the end of that window / RSS then", live_text(rep.get("live_heap")), "", None),
        ("operator RSS peak against the chart's memory limit", f"{rep['rss_peak'] / limit_bytes * 100:.0f} % of {limit_text}",
         "inside, with margin", rep["rss_peak"] < limit_bytes),
        (f"webhook p50 at {a.rate}/s, {ld['n']} requests, direct to :port", f"{ld['p50']:.1f} ms", "", None),
        (f"webhook p99 at {a.rate}/s (open loop, from the due time)", f"{ld['p99']:.1f} ms", "< 10 ms",
         ld["p99"] < 10),
        ("webhook p99.9 / max", f"{ld['p999']:.1f} / {ld['max']:.1f} ms", "", None),
        ("webhook errors", f"{sum(ld['errors'].values())}" + (f" {ld['errors']}" if ld["errors"] else ""), "0",
         not ld["errors"]),
        ("webhook server-side p50 / p99 (operator's histogram, bucket bound)",
         f"<= {ld['server_p50'] * 1000:g} / <= {ld['server_p99'] * 1000:g} ms" if ld["server_p50"] else "n/a", "", None),
        ("operator CPU during the load / the load generator's", (f"{ld['cpu'] * 100:.0f} %" if ld["cpu"] is not None
         else "n/a") + f" / {rep['load_client_cpu'] * 100:.0f} % of a core", "", None),
        ("GC pauses during the load: young n / total / max; full n / total / max", gc_text(ld.get("gc")), "", None),
        ("Events the webhook wrote during the load (POST+PATCH events)", f"{rep['load_events']:.0f}", "", None),
        (f"profile change, pacing off: all {up[1]} workloads carry the new hash",
         f"{up[0]:.1f} s" if up[0] is not None else f"not in 600 s ({up[3]} rolled)", "< 60 s",
         up[0] is not None and up[0] < 60),
        (f"profile change, default pacing: workloads rolled in {pc['elapsed']:.0f} s", f"{pc['rolled']} of {pc['total']}"
         f" = {pc['rolled'] / pc['elapsed'] * 60:.1f}/min", "20/min (the 1st 20 at once)", None),
        ("operator LIST requests per minute, steady state", f"{list_rate(rep):.1f}", "0", list_rate(rep) < 0.05),
        ("Events created per minute, steady state, with the operator",
         f"{sum(rep['with']['new_events'].values()) / rep['with']['minutes']:.1f}", "0",
         sum(rep["with"]["new_events"].values()) == 0),
        ("operator CPU in the steady state", f"{rep['with']['cpu'] * 100:.1f} % of a core", "", None),
    ]
    width = max(len(r[0]) for r in rows)
    vw = max(len("value"), *(len(r[1]) for r in rows))
    tw = max(len("target"), *(len(r[2]) for r in rows))
    w(f"| {'figure':<{width}} | {'value':>{vw}} | {'target':<{tw}} |    |")
    w(f"|{'-' * (width + 2)}|{'-' * (vw + 2)}|{'-' * (tw + 2)}|----|")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "NO")
        w(f"| {name:<{width}} | {value:>{vw}} | {target:<{tw}} | {verdict:<2} |")
    w("")
    if a.quiet_window < 120:
        w(f"NOTE: the quiet windows ({a.quiet_window} s) are shorter than the operator's catch-up interval (2 min by"
          " default): a periodic LIST may fall outside them; use --quiet-window 180 for the steady-state figures")
    w(f"paced roll, rolled count over time: " + ", ".join(f"{n} at {t:.0f} s" for t, n in pc["steps"]))
    w(f"unpaced roll: the Pods of the rolled workloads were all recreated {rep['unpaced_pods_s']:.0f} s after the"
      " change (kube-controller-manager's pace, 20 requests/s by default)")
    w("")
    w(f"API requests per minute in the steady state (apiserver_request_total deltas over {a.quiet_window} s, by verb"
      " and resource); the operator's = with - without; MB/min = apiserver_response_sizes_sum")
    with_, without = rep["with"], rep["without"]
    # A WATCH is counted when it ends, and the API server ends each after a random 5-10 min: per window that is noise,
    # so watches are summed in one line below the table instead of one row per resource.
    keys = sorted(k for k in set(with_["rates"]) | set(without["rates"]) if k[0] != "WATCH"
                  and (with_["rates"].get(k, 0) >= 0.05 or without["rates"].get(k, 0) >= 0.05))
    w(f"| {'verb':<7} | {'resource':<34} | {'without':>8} | {'with':>8} | {'operator':>8} | {'op MB/min':>9} |")
    w(f"|{'-' * 9}|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 11}|")
    for k in keys:
        wo, wi = without["rates"].get(k, 0), with_["rates"].get(k, 0)
        mb = (with_["bytes"].get(k, 0) - without["bytes"].get(k, 0)) / 1e6
        w(f"| {k[0]:<7} | {k[1]:<34} | {wo:>8.1f} | {wi:>8.1f} | {wi - wo:>8.1f} | {mb:>9.2f} |")
    watches = [sum(v for k, v in win["rates"].items() if k[0] == "WATCH") for win in (without, with_)]
    w(f"WATCH requests that ended in the window (opened by informers, ended by the API server's timeouts): "
      f"{watches[0]:.1f}/min without, {watches[1]:.1f}/min with the operator")
    w("")
    for label, win in (("with the operator", with_), ("without the operator", without)):
        new = win["new_events"]
        detail = ", ".join(f"{c} {who}/{reason}" for (who, reason), c in new.most_common(8)) or "none"
        w(f"Events in the window {label}: {sum(new.values())} new ({detail}); count bumps on existing Events:"
          f" {win['bumped']}")
    w("")
    nmt = rep.get("nmt") or {}
    if any(nmt.values()):
        w("Native memory tracking (--nmt, committed MiB by category; NMT's own bookkeeping is in the RSS of this run):")
        cats = [c for c in (nmt.get("idle") or nmt.get("at scale")) if c != "text"]
        w(f"| {'category':<28} | " + " | ".join(f"{k:>9}" for k in nmt) + " |")
        w(f"|{'-' * 30}|" + "|".join("-" * 11 for _ in nmt) + "|")
        for c in sorted(cats, key=lambda c: -(nmt.get("at scale") or nmt["idle"]).get(c, 0)):
            w(f"| {c:<28} | " + " | ".join(f"{(v or {}).get(c, 0) / MIB:>9.1f}" for v in nmt.values()) + " |")
        w("")
    w("The webhook figures are from bench/OperatorScaleLoad.java (8 keep-alive TLS connections opened before the"
      " clock starts, open loop, 5 s warm-up not counted) posting an AdmissionReview of an opted-in Pod (the current template of w-0000, a fresh uid each)"
      " straight to the operator's HTTPS port, not through the API server; it shares the cores with the operator and"
      " the control plane.")
    return "\n".join(L) + "\n"


def live_text(live):
    return "n/a" if not live else f"{mib(live[0])} / {mib(live[1])}"


def gc_text(gc):
    if gc is None:
        return "n/a (a run before GC logging)"
    part = lambda ms: f"{len(ms)} / {sum(ms):.0f} / {max(ms, default=0):.0f} ms"
    other = gc.get("Other") or []
    return f"{part(gc['Young'])}; {part(gc['Full'])}" + (f"; remark+cleanup {part(other)}" if other else "")


def list_rate(rep):
    return sum(rep["with"]["rates"].get(k, 0) - rep["without"]["rates"].get(k, 0)
               for k in rep["with"]["rates"] if k[0] == "LIST")


if __name__ == "__main__":
    main()
