#!/bin/sh
# tm serve speaks to the clients the office already has: the tmserver
# API as Weblate's tmserver machinery and Virtaal call it, and
# LibreTranslate's /translate and /languages as libretranslatepy and the
# LibreTranslate web client send them (Python's urllib, exactly their
# requests).  Memory first; machine translation (a stub provider on
# 127.0.0.1) only when the memory has nothing good enough.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" || fail "the sample imports"
serve_start m.db --public-read || { fail "the server starts"; done_testing; }

python3 - "$URL" >compat.out 2>&1 <<'EOF'
import json, sys, urllib.error, urllib.parse, urllib.request

base = sys.argv[1]

def check(name, cond, info=""):
    print(("ok" if cond else "not ok") + " - " + name)
    if not cond and info:
        print("# " + str(info).replace("\n", "\n# "))

def get(url, data=None, headers={}, method=None):
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

# Weblate's tmserver machinery: languages as lowercased codes with _,
# the text cut at 500 characters, \r made a space, quoted with safe="".
def weblate(src, tgt, text):
    text = urllib.parse.quote(text[:500].replace("\r", " ").encode(), b"")
    return get("{}/{}/{}/unit/{}".format(base, src, tgt, text))

status, hdr, body = get(base + "/languages/")
check("tmserver languages/: 200", status == 200, body)
langs = json.loads(body)
check("sourceLanguages and targetLanguages", "sourceLanguages" in langs and
      "targetLanguages" in langs, langs)
check("codes as Weblate sends them (zh_cn, en_us, zh, en)",
      all(c in langs["sourceLanguages"] for c in ("zh_cn", "en_us", "zh", "en")),
      langs)

zh = "双方就疫情防控等共同关心的问题深入交换了意见。"
for src, tgt in (("zh_cn", "en_us"), ("zh_hans", "en"), ("zh", "en_us"),
                 ("zh-CN", "en-US")):
    status, hdr, body = weblate(src, tgt, zh)
    res = json.loads(body) if status == 200 else None
    check("tmserver unit {}/{}: 200 with a list".format(src, tgt),
          status == 200 and isinstance(res, list) and res, body)
    if res:
        m = res[0]
        check("  source, target, quality 0-100 ({}/{})".format(src, tgt),
              m["quality"] == 100 and m["source"] == zh and
              m["target"].startswith("The two sides"), m)
status, hdr, body = weblate("zh_cn", "en_us",
                            "1月30日，市外办主任会见了日本驻沪总领事一行。")
res = json.loads(body)
check("a date that differs: quality 99, the target's date follows",
      res and res[0]["quality"] == 99 and "January 30" in res[0]["target"], res)
check("best first", all(res[i]["quality"] >= res[i + 1]["quality"]
                        for i in range(len(res) - 1)), res)
status, hdr, body = weblate("zh_cn", "en_us", "截至2月3日，\r全市累计接收境外捐赠物资。")
check("a text with \\r (made a space by Weblate) and a fuzzy match", status == 200, body)
status, hdr, body = weblate("zh_cn", "en_us", "毫不相干的一句话，没有任何相似之处。")
check("no match: an empty list", status == 200 and json.loads(body) == [], body)
status, hdr, body = weblate("zh_cn", "en_us", "a/b?c#d&e%f")
check("slashes, ? # & % inside the text stay in the text", status == 200, body)
status, hdr, body = weblate("zh_cn", "en_us", "x" * 600)
check("a long text (cut at 500 by the client): 200", status == 200, body)
status, hdr, body = get(base + "/zh_cn/en_us/unit/%E4%B8")
check("a cut UTF-8 sequence in the path: 400", status == 400, body)
status, hdr, body = get(base + "/zh_cn/en_us/unit/" + urllib.parse.quote(zh) +
                        "?min_similarity=101")
check("min_similarity over 100: 400", status == 400, body)
check("tmserver answers are open to browsers (CORS)",
      hdr.get("Access-Control-Allow-Origin") == "*", dict(hdr))

# libretranslatepy: an URL-encoded form POST, api_key in the form.
def lt_form(q, source, target, api_key=None):
    params = {"q": q, "source": source, "target": target}
    if api_key:
        params["api_key"] = api_key
    data = urllib.parse.urlencode(params).encode()
    return get(base + "/translate", data=data)

status, hdr, body = lt_form(zh, "zh", "en")
res = json.loads(body)
check("LibreTranslate form: the memory's exact match", status == 200 and
      res["translatedText"].startswith("The two sides"), body)
status, hdr, body = lt_form("1月30日，市外办主任会见了日本驻沪总领事一行。", "zh", "en")
res = json.loads(body)
check("a 99 whose numbers come from the query is taken",
      status == 200 and "January 30" in res["translatedText"], body)
status, hdr, body = lt_form("截至2月3日，全市累计接收境外捐赠物资。", "zh", "en")
res = json.loads(body)
check("a fuzzy match is not: 404 with LibreTranslate's error shape",
      status == 404 and isinstance(res.get("error"), str) and
      "no translation" in res["error"], body)

# The LibreTranslate web client: JSON, q a string or a list.
def lt_json(obj, headers={}):
    h = {"Content-Type": "application/json"}
    h.update(headers)
    return get(base + "/translate", data=json.dumps(obj).encode(), headers=h)

status, hdr, body = lt_json({"q": zh, "source": "zh", "target": "en",
                             "format": "text"})
check("LibreTranslate JSON: 200", status == 200 and
      json.loads(body)["translatedText"].startswith("The two sides"), body)
status, hdr, body = lt_json({"q": [zh, "1月28日，市外办主任会见了日本驻沪总领事一行。"],
                             "source": "auto", "target": "en"})
res = json.loads(body)
check("q as a list: a list back, in order", status == 200 and
      isinstance(res["translatedText"], list) and
      len(res["translatedText"]) == 2 and
      "January 28" in res["translatedText"][1], body)
check("source auto: the detected language is said",
      res.get("detectedLanguage", {}).get("language") == "zh", body)
status, hdr, body = lt_json({"q": zh, "target": "en"})
check("no source: 400", status == 400 and "error" in json.loads(body), body)
status, hdr, body = lt_json({"q": 5, "source": "zh", "target": "en"})
check("q a number: 400", status == 400, body)
status, hdr, body = lt_json({"q": "<b>1月28日</b>，市外办主任会见了日本驻沪总领事一行。",
                             "source": "zh", "target": "en", "format": "html"})
res = json.loads(body)
check("format html: the markup placed in the memory's translation",
      status == 200 and "<b>January 28</b>" in res["translatedText"] and
      "<body>" not in res["translatedText"], body)
status, hdr, body = lt_json({"q": "<p>截至2月3日，<b>全市</b>累计接收境外捐赠物资。</p>",
                             "source": "zh", "target": "en", "format": "html"})
check("format html without a good enough match: 404", status == 404, body)
status, hdr, body = lt_json({"q": "双方就疫情防控等共同关心的问题深入交换了意见。",
                             "source": "zh", "target": "en", "format": "html"})
check("format html without markup: as text", status == 200 and
      json.loads(body)["translatedText"].startswith("The two sides"), body)
status, hdr, body = get(base + "/translate", data=b"{not json",
                        headers={"Content-Type": "application/json"})
check("invalid JSON: 400", status == 400, body)
status, hdr, body = get(base + "/translate", data=b"q=%FF&source=zh&target=en",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
check("invalid UTF-8 in the form: 400", status == 400, body)
status, hdr, body = get(base + "/translate", data=b"x",
                        headers={"Content-Type": "text/plain"})
check("another content type: 415", status == 415, body)

status, hdr, body = get(base + "/languages")
res = json.loads(body)
codes = {l["code"]: l for l in res} if status == 200 else {}
check("LibreTranslate /languages: codes, names, targets",
      "zh" in codes and codes["zh"]["name"] == "Chinese" and
      "en" in codes["zh"]["targets"], body)
status, hdr, body = get(base + "/languages", data=b"")
check("POST /languages works too", status == 200, body)
status, hdr, body = get(base + "/healthz")
check("the server still answers", status == 200, body)
EOF
checks_from compat.out
serve_stop

# Machine translation behind the memory: the test's provider on
# 127.0.0.1, and tokens: reads now need one, sent as api_key.
mt_server_start
cat >config <<EOF
[provider gg]
type = google
url = $BASE/ok-google
key_env = MT_TEST_KEY
EOF
tm_plain --db m.db token add lt --role read >lt.tok
serve_start m.db --mt gg --mt-config config ||
    fail "the server starts with --mt"
python3 - "$URL" "$(cat lt.tok)" >compat2.out 2>&1 <<'EOF'
import json, sys, urllib.error, urllib.parse, urllib.request
base, tok = sys.argv[1], sys.argv[2]
def check(name, cond, info=""):
    print(("ok" if cond else "not ok") + " - " + name)
    if not cond and info:
        print("# " + str(info).replace("\n", "\n# "))
def post(data, headers={}):
    req = urllib.request.Request(base + "/translate", data=data,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
fuzzy = "截至2月3日，全市累计接收境外捐赠物资。"
form = {"q": fuzzy, "source": "zh", "target": "en"}
s, r = post(urllib.parse.urlencode(form).encode())
check("with tokens and no --public-read, no api_key: 401", s == 401, r)
s, r = post(urllib.parse.urlencode(dict(form, api_key="tm_wrong")).encode())
check("a wrong api_key: 401", s == 401, r)
s, r = post(urllib.parse.urlencode(dict(form, api_key=tok)).encode())
check("api_key in the form: the provider's translation when the memory "
      "has no exact match", s == 200 and r.get("translatedText") ==
      "[en] " + fuzzy, r)
s, r = post(json.dumps(dict(form, api_key=tok)).encode(),
            {"Content-Type": "application/json"})
check("api_key in JSON works too", s == 200 and
      r.get("translatedText") == "[en] " + fuzzy, r)
exact = "双方就疫情防控等共同关心的问题深入交换了意见。"
s, r = post(urllib.parse.urlencode({"q": exact, "source": "zh",
            "target": "en", "api_key": tok}).encode())
check("an exact match still comes from the memory", s == 200 and
      r["translatedText"].startswith("The two sides"), r)
s, r = post(urllib.parse.urlencode({"q": fuzzy, "source": "zh",
            "target": "en"}).encode(),
            {"Authorization": "Bearer " + tok})
check("or the token as a Bearer header", s == 200, r)
EOF
checks_from compat2.out
is "$(mt_count ok-google)" 1 "the provider was asked once: the MT cache kept it"
serve_stop

done_testing
