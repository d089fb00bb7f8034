#!/usr/bin/env python3
"""A loopback server that speaks the contract of each machine-translation
provider tm knows (DeepL v2, Google v2, Microsoft v3, LibreTranslate,
Apertium APy, OpenAI-compatible chat completions, Baidu) and plays its
failures, for tests/cli/t003*-mt-*.sh.

    mt-server.py --port-file FILE --log FILE

It listens on 127.0.0.1 only, on a free port that it writes to
--port-file, and appends one JSON line per request to --log: the
provider, scenario, method, path, headers, body, the number of segments
and whether the authentication (and Baidu's sign) was right.

The first path component is the scenario; a test sets a provider's url
to http://127.0.0.1:PORT/SCENARIO.  SCENARIO is KIND[xN][-TAG]: the
failure KIND happens N times (default: always) and then the server
answers normally; TAG keeps the counters of two tests apart.  Kinds:

  ok          a normal answer
  sNNN        HTTP NNN with the provider's error body (s401 s403 s429
              s456 s500 s503 ...); s429ra adds Retry-After: 1 (seconds),
              s503date a Retry-After HTTP date one second ahead
  badjson     HTTP 200 with a body that is not JSON
  trunc       Content-Length larger than what is sent, then close
  hang        never answers (sleeps 30 s)
  wrongcount  a batch comes back with one translation too few
  echokey     HTTP 401 whose message repeats the key and a ?key= URL
  eNNNNN      Baidu: HTTP 200 with error_code NNNNN
  empty       HTTP 200 with an empty translation for every segment
  huge        HTTP 200 whose first translation is 10 MB of text
  slow        a normal answer after 0.3 s (the log's "inflight" then
              shows how many requests of the scenario were open at once)
  fence       OpenAI: a batch's JSON array inside a ```json fence
  length      OpenAI: a batch reply cut short (finish_reason "length")
  quota       OpenAI: 429 with code insufficient_quota
  rate, daily Google: 403 with reason userRateLimitExceeded or
              dailyLimitExceeded

A normal translation is "[TO] TEXT" line by line (TO: the target code the
client sent), so tests can check order and language codes.

Keys expected: $MT_TEST_KEY for every provider (Baidu: $MT_TEST_KEY is
the secret, appid "test-appid").  A wrong key gets the provider's auth
error.
"""
import argparse
import email.utils
import hashlib
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNTS = {}
INFLIGHT = {}
KEY = os.environ.get("MT_TEST_KEY", "")
ARGS = None


def fails_now(scenario):
    """Whether the scenario's failure happens on this request."""
    m = re.match(r"^[a-z0-9]+?(?:x(\d+))?(?:-.*)?$", scenario)
    limit = int(m.group(1)) if m and m.group(1) else None
    with LOCK:
        COUNTS[scenario] = COUNTS.get(scenario, 0) + 1
        n = COUNTS[scenario]
    return limit is None or n <= limit


def kind_of(scenario):
    return re.sub(r"(x\d+)?(-.*)?$", "", scenario)


def tr(to, text):
    return "\n".join("[%s] %s" % (to, line) for line in text.split("\n"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    # -- replies -------------------------------------------------------
    def reply(self, status, body, ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False)
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error_body(self, provider, status, message):
        if provider == "deepl":
            return {"message": message}
        if provider == "google":
            return {"error": {"code": status, "message": message,
                              "errors": [{"reason": "backendError",
                                          "message": message}]}}
        if provider == "microsoft":
            return {"error": {"code": status * 1000, "message": message}}
        if provider == "libretranslate":
            return {"error": message}
        if provider == "apertium":
            return {"status": "error", "code": status,
                    "message": "Error", "explanation": message}
        if provider == "openai":
            return {"error": {"message": message, "type": "server_error",
                              "code": None}}
        return {"error_code": str(status), "error_msg": message}

    # -- request parsing -----------------------------------------------
    def do_GET(self):
        self.handle_any(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.handle_any(self.rfile.read(n))

    def handle_any(self, raw):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/", 2)
        scenario = parts[1] if len(parts) > 1 else ""
        rest = "/" + (parts[2] if len(parts) > 2 else "")
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        body = raw.decode("utf-8", "replace")
        ctype = self.headers.get("Content-Type", "")
        form = {}
        js = None
        if "json" in ctype:
            try:
                js = json.loads(body)
            except ValueError:
                js = None
        else:
            form = urllib.parse.parse_qs(body, keep_blank_values=True)

        if rest == "/v2/translate":
            provider = "deepl"
        elif rest == "/language/translate/v2":
            provider = "google"
        elif rest == "/translate" and "api-version" in query:
            provider = "microsoft"
        elif rest == "/translate" and js is not None:
            provider = "libretranslate"
        elif rest == "/translate":
            provider = "apertium"
        elif rest == "/v1/chat/completions":
            provider = "openai"
        elif rest == "/api/trans/vip/translate":
            provider = "baidu"
        else:
            provider = "unknown"

        with LOCK:
            INFLIGHT[scenario] = INFLIGHT.get(scenario, 0) + 1
            inflight = INFLIGHT[scenario]
        try:
            self.answer(provider, scenario, url, query, form, js, body, raw,
                        inflight)
        finally:
            with LOCK:
                INFLIGHT[scenario] -= 1

    def answer(self, provider, scenario, url, query, form, js, body, raw,
               inflight):
        rec = {"provider": provider, "scenario": scenario,
               "inflight": inflight,
               "method": self.command, "path": url.path,
               "query": url.query,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body, "bytes": len(raw)}
        try:
            status, out, extra = self.serve(provider, scenario, query, form,
                                            js, rec)
        except Exception as e:  # a malformed request: say so, like a 400
            status, out, extra = 400, self.error_body(
                provider, 400, "bad request: %r" % (e,)), ()
            rec["bad"] = repr(e)
        with LOCK:
            with open(ARGS.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if status is None:
            return
        self.reply(status, out, headers=extra)

    def serve(self, provider, scenario, query, form, js, rec):
        """Returns (status, body, headers), or (None, ...) when it
        answered itself."""
        kind = kind_of(scenario)
        # Authentication and the request's shape, per contract.
        auth_ok = True
        if provider == "deepl":
            auth_ok = self.headers.get("Authorization") == \
                "DeepL-Auth-Key " + KEY
            texts, to = js["text"], js["target_lang"]
            js["source_lang"]
        elif provider == "google":
            auth_ok = query.get("key", [""])[0] == KEY
            texts, to = form["q"], form["target"][0]
            rec["format"] = form.get("format", [""])[0]
            form["source"][0]
        elif provider == "microsoft":
            auth_ok = self.headers.get("Ocp-Apim-Subscription-Key") == KEY
            texts = [o["Text"] for o in js]
            to = query["to"][0]
            query["from"][0]
        elif provider == "libretranslate":
            auth_ok = js.get("api_key") == KEY
            texts = js["q"] if isinstance(js["q"], list) else [js["q"]]
            to = js["target"]
            rec["format"] = js.get("format")
        elif provider == "apertium":
            texts = form["q"][0].split("\n")
            to = form["langpair"][0].split("|")[1]
        elif provider == "openai":
            auth_ok = self.headers.get("Authorization") == "Bearer " + KEY
            msgs = js["messages"]
            rec["system"] = msgs[0]["content"]
            user = msgs[1]["content"]
            m = re.search(r"Target language: [^\[]*\[([^\]]+)\]",
                          msgs[0]["content"])
            to = m.group(1) if m else "?"
            if "JSON array" in msgs[0]["content"]:
                texts = json.loads(user)
                rec["batch_json"] = True
            else:
                texts = [user]
        elif provider == "baidu":
            q = form["q"][0]
            salt = form["salt"][0]
            appid = form["appid"][0]
            sign = hashlib.md5((appid + q + salt + KEY).encode()).hexdigest()
            rec["sign_ok"] = form["sign"][0] == sign
            auth_ok = rec["sign_ok"] and appid == "test-appid"
            texts = q.split("\n")
            to = form["to"][0]
        else:
            return 404, {"error": "no such endpoint"}, ()
        rec["n"] = len(texts)
        rec["auth_ok"] = auth_ok

        if not auth_ok:
            if provider == "baidu":
                return 200, {"error_code": "54001",
                             "error_msg": "Invalid Sign"}, ()
            return (403 if provider in ("deepl", "google") else 401,
                    self.error_body(provider, 403, "invalid key"), ())

        failing = False
        if kind == "slow":
            time.sleep(0.3)
        elif kind != "ok" and fails_now(scenario):
            failing = True
            r = self.fail(provider, kind, texts)
            if r is not None:
                return r

        out = [tr(to, t) for t in texts]
        if failing and kind == "empty":
            out = ["" for t in out]
        if failing and kind == "huge":
            out[0] = "x" * (10 << 20)
        if kind == "wrongcount" and len(out) > 1:
            out = out[:-1]
        if provider == "deepl":
            return 200, {"translations": [
                {"detected_source_language": "EN", "text": t}
                for t in out]}, ()
        if provider == "google":
            return 200, {"data": {"translations": [
                {"translatedText": t} for t in out]}}, ()
        if provider == "microsoft":
            # The real service starts with a UTF-8 BOM.
            body = "\ufeff" + json.dumps(
                [{"translations": [{"text": t, "to": to}]} for t in out],
                ensure_ascii=False)
            return 200, body, ()
        if provider == "libretranslate":
            return 200, {"translatedText": out if isinstance(js["q"], list)
                         else out[0]}, ()
        if provider == "apertium":
            return 200, {"responseData": {"translatedText": "\n".join(out)},
                         "responseDetails": None, "responseStatus": 200}, ()
        if provider == "openai":
            content = json.dumps(out, ensure_ascii=False) \
                if rec.get("batch_json") else out[0]
            finish = "stop"
            if kind == "fence" and rec.get("batch_json"):
                content = "```json\n" + content + "\n```"
            if kind == "length" and rec.get("batch_json"):
                content, finish = content[:len(content) // 2], "length"
            return 200, {"choices": [{"index": 0, "message": {
                "role": "assistant", "content": content},
                "finish_reason": finish}]}, ()
        # baidu: one result a line
        lines = "\n".join(out).split("\n")
        return 200, {"from": form["from"][0], "to": to, "trans_result": [
            {"src": s, "dst": d} for s, d in
            zip("\n".join(texts).split("\n"), lines)]}, ()

    def fail(self, provider, kind, texts):
        m = re.match(r"^s(\d{3})(ra|date)?$", kind)
        if m:
            status = int(m.group(1))
            headers = []
            if m.group(2) == "ra":
                headers.append(("Retry-After", "1"))
            elif m.group(2) == "date":
                headers.append(("Retry-After", email.utils.formatdate(
                    time.time() + 1, usegmt=True)))
            msg = {401: "Unauthorized", 403: "Forbidden",
                   429: "Too many requests",
                   456: "Quota Exceeded"}.get(status, "Server trouble %d"
                                                % status)
            return status, self.error_body(provider, status, msg), headers
        if kind == "badjson":
            return 200, "{\"translations\": [oops", ()
        if kind == "trunc":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"{\"translations\": [")
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None, None, ()
        if kind == "hang":
            time.sleep(30)
            self.close_connection = True
            return None, None, ()
        if kind == "echokey":
            return 401, self.error_body(
                provider, 401, "key %s refused at https://x.example/"
                "?key=%s" % (KEY, urllib.parse.quote(KEY, safe=""))), ()
        m = re.match(r"^e(\d{5})$", kind)
        if m and provider == "baidu":
            return 200, {"error_code": m.group(1),
                         "error_msg": "Baidu error %s" % m.group(1)}, ()
        if kind == "quota" and provider == "openai":
            return 429, {"error": {
                "message": "You exceeded your current quota",
                "type": "insufficient_quota",
                "code": "insufficient_quota"}}, ()
        if kind in ("rate", "daily") and provider == "google":
            reason = "userRateLimitExceeded" if kind == "rate" \
                else "dailyLimitExceeded"
            return 403, {"error": {"code": 403, "message": "Limit exceeded",
                                   "errors": [{"reason": reason}]}}, ()
        return None


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    ARGS = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
