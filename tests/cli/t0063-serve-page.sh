#!/bin/sh
# The page of tm serve in headless Chromium, driven through Selenium
# (Debian python3-selenium and chromium-driver): a lookup by Enter with
# its score badge, the marked diff and the target; a concordance hit
# marked; a write refused without a token, then done with one and found
# again at 100; untrusted text shown as text; a TMX imported and a
# bulletin pre-translated through the page; the EN/中文 toggle, kept
# across a reload; nothing loaded from anywhere but the server; the page
# under --base-path.  And through curl: GET / is the page, and no path
# climbs out of it.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v curl >/dev/null || skip_all "no curl"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip_all "chromium is not installed"
CHROMEDRIVER=$(command -v chromedriver || true)
[ -z "$CHROMEDRIVER" ] && [ -x /usr/bin/chromedriver ] &&
    CHROMEDRIVER=/usr/bin/chromedriver
[ -n "$CHROMEDRIVER" ] || skip_all "chromium-driver is not installed"
# Debian's python3-selenium lives in the system Python, which may not be
# the first python3 on the PATH.
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import selenium' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || skip_all "python3-selenium is not installed"

tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" ||
    fail "importing the sample memory"
tok=$(tm --db m.db token add tester --role write)
like "$tok" '^tm_' "a write token for the page"

serve_start m.db --public-read ||
    { fail "the server starts"; diag_file "$TEST_DIR/.serve.log"; done_testing; }
pass "the server starts"

# The page itself, through curl.
code=$(curl -s -o page.html -w '%{http_code} %{content_type}' "$URL/")
like "$code" '^200 text/html' "GET / is 200 text/html"
like "$(cat page.html)" '<meta name="viewport" content="width=device-width' \
    "the page has a viewport for phones"
unlike "$(cat page.html)" 'https?://|<link[^>]+href="[^d]|src=' \
    "the page names nothing outside the server"
unlike "$(cat page.html)" 'innerHTML|outerHTML|insertAdjacentHTML|document\.write' \
    "the page never parses text as markup"
ok "the page is under 60 KB" test "$(wc -c <page.html)" -lt 61440
code=$(curl -s -o index.html -w '%{http_code}' "$URL/index.html")
is "$code" 200 "GET /index.html is the page too"
for p in /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /..%2f..%2fetc/passwd \
    /index.html/../../../etc/passwd; do
	code=$(curl -s --path-as-is -o climb.out -w '%{http_code}' "$URL$p")
	is "$code" 404 "GET $p is 404"
	unlike "$(cat climb.out)" 'root:' "... and not the file"
done

# browse URL OUT [base]: run the browser session against URL, results
# (a JSON object) to OUT.
browse()
{
	TOKEN=$tok WAIT=$([ "${TM_VALGRIND:-0}" = 1 ] && echo 60 || echo 10) \
	CHROMEDRIVER=$CHROMEDRIVER PROFILE=$TEST_DIR/profile \
	TMX=$DATA/zh-en.tmx DOC=$DATA/bulletin-2020-02-06.txt MODE=${3:-full} \
	    timeout 300 "$PY" - "$1" "$2" 2>>"$TEST_DIR/selenium.log" <<'EOF'
import json, os, sys, traceback
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

url, out = sys.argv[1], sys.argv[2]
env = os.environ
r = {}
o = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
          "--lang=en-US", "--window-size=1200,1600",
          "--user-data-dir=" + env["PROFILE"] + "-" + env["MODE"]):
    o.add_argument(a)
o.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
d = webdriver.Chrome(service=Service(env["CHROMEDRIVER"]), options=o)
wait = WebDriverWait(d, float(env["WAIT"]))

def E(css):
    return d.find_element(By.CSS_SELECTOR, css)
def texts(css):
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, css)]
def step(name, fn):
    try:
        fn()
    except Exception as e:
        r.setdefault("errors", []).append(name + ": " + "".join(
            traceback.format_exception_only(type(e), e)).strip())
def clear_error():
    # An error line left from an earlier step must not end a wait.
    d.execute_script("document.getElementById('error').hidden = true;"
                     "document.getElementById('error-text').textContent = ''")
def failed():
    return E("#error").is_displayed()
def lookup(q):
    box = E("#q")
    box.clear()
    clear_error()
    d.execute_script("document.getElementById('matches').textContent = ''")
    box.send_keys(q)
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR,
        "#matches .match, #matches .none") or failed())

# Every request of the page, gathered before each reload and at the end.
names = []
def collect():
    names.extend(d.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"))

def first_lookup():
    d.get(url)
    r["title"] = d.title
    r["label_en"] = E("#lookup-btn").text
    lookup("双方就疫情防控等共同关心的问题深入交换了意见。")
    r["score"] = texts("#matches .match .score")[:1]
    r["target"] = texts("#matches .match .target")[:1]
step("lookup", first_lookup)

def fuzzy():
    lookup("双方就疫情防控等共同关心的问题交换了意见。")
    r["fuzzy_score"] = texts("#matches .match .score")[:1]
    r["fuzzy_del"] = "".join(texts("#matches .match del"))
    lookup("这句话不在记忆库里面，完全没有。")
    r["no_match"] = E("#matches").text
if env["MODE"] == "full":
    step("fuzzy", fuzzy)

def conc():
    E("#term").send_keys("外办")
    E("#conc-btn").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits .hit, #hits .none"))
    r["marks"] = texts("#hits .hit mark")
    r["others"] = texts("#hits .hit .other")
if env["MODE"] == "full":
    step("concordance", conc)

def add(source, target, key):
    E("#add-source").clear(); E("#add-source").send_keys(source)
    E("#add-target").clear(); E("#add-target").send_keys(target)
    E("#add-author").clear(); E("#add-author").send_keys("tester")
    # Clear both, so that only this request's answer ends the wait (an
    # error line left from before would end it at once).
    d.execute_script("document.getElementById('add-result').textContent = ''")
    clear_error()
    E("#add-btn").click()
    wait.until(lambda d: E("#add-result").text or failed())
    r[key] = E("#add-result").text
    r[key + "_error"] = E("#error").text if E("#error").is_displayed() else ""

def writes():
    add("新的句子。", "A new sentence.", "add_no_token")
    if not E("#settings").get_attribute("open"):
        E("#settings summary").click()
    E("#token").send_keys(env["TOKEN"])
    add("新的句子。", "A new sentence.", "add")
    lookup("新的句子。")
    r["new_score"] = texts("#matches .match .score")[:1]
    r["new_target"] = texts("#matches .match .target")[:1]
    # Untrusted text stays text.
    evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    add("<b>危险</b>的句子。", evil, "add_evil")
    lookup("<b>危险</b>的句子。")
    r["evil_target"] = texts("#matches .match .target")[:1]
    r["evil_nodes"] = d.execute_script(
        "return document.querySelectorAll('#matches img, #matches script, #matches b').length")
    r["evil_ran"] = d.execute_script("return window.__xss || 0")
if env["MODE"] == "full":
    step("writes", writes)

def imp():
    E("#import-file").send_keys(env["TMX"])
    clear_error()
    E("#import-btn").click()
    wait.until(lambda d: E("#import-result").text or failed())
    r["import"] = E("#import-result").text.replace("\n", " ")
    r["import_error"] = E("#error").text if E("#error").is_displayed() else ""
if env["MODE"] == "full":
    step("import", imp)

def pt():
    E("#pt-file").send_keys(env["DOC"])
    clear_error()
    E("#pt-btn").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pt-result table")
        or failed())
    r["pt"] = E("#pt-result").text.replace("\n", " ")
    links = d.find_elements(By.CSS_SELECTOR, "#pt-result a")
    r["pt_links"] = [(a.text, (a.get_attribute("href") or "")[:5],
        a.get_attribute("download") or "") for a in links]
    # The review page opens from its Blob URL.
    if links:
        main = d.current_window_handle
        links[0].click()
        wait.until(lambda d: len(d.window_handles) > 1)
        d.switch_to.window([h for h in d.window_handles if h != main][0])
        wait.until(lambda d: d.execute_script(
            "return document.readyState") == "complete")
        r["review_segs"] = len(d.find_elements(By.CSS_SELECTOR, "section.seg"))
        d.close()
        d.switch_to.window(main)
if env["MODE"] == "full":
    step("pretranslate", pt)

def toggle():
    E("#lang-toggle").click()
    r["label_zh"] = E("#lookup-btn").text
    r["label_q_zh"] = E("label[for=q]").text
    r["html_lang"] = d.execute_script("return document.documentElement.lang")
    collect()
    d.refresh()
    wait.until(lambda d: E("#lookup-btn").text)
    r["label_reload"] = E("#lookup-btn").text
    r["token_kept"] = E("#token").get_attribute("value") == env["TOKEN"]
if env["MODE"] == "full":
    step("toggle", toggle)

def resources():
    origin = d.execute_script("return location.origin")
    collect()
    r["foreign"] = [n for n in names if not n.startswith(origin + "/")]
    r["api_requests"] = len([n for n in names if "/api/v1/" in n])
    r["js_errors"] = [e["message"] for e in d.get_log("browser")
        if e["level"] == "SEVERE" and e.get("source") != "network"]
step("resources", resources)

d.quit()
json.dump(r, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF
}

browse "$URL/" r.json
ok "the browser session ran" test -s r.json
[ -s r.json ] || { diag_file "$TEST_DIR/selenium.log" 40; done_testing; }
v()
{
	json r.json "$1"
}
is "$(v 'd.get("errors", [])')" "[]" "no step of the session failed"
like "$(v 'd["title"]')" 'Translation memory' "the page's title"
is "$(v 'd["label_en"]')" "Look up" "English by default for an English browser"
is "$(v 'd["score"]')" '["100"]' "Enter in #q looks up: an exact match, badge 100"
is "$(v 'd["target"]')" \
    '["The two sides had an in-depth exchange of views on epidemic prevention and control and other issues of common concern."]' \
    "... with the stored English"
like "$(v 'd["fuzzy_score"]')" '^\["[0-9]{2}"\]$' "a fuzzy match has a lower score"
is "$(v 'd["fuzzy_del"]')" "深入" "... and what only the memory has is in <del>"
like "$(v 'd["no_match"]')" "No match" "no match says so"
# (Traditional units are found too: the key folds 辦 to 办.)
like "$(v 'd["marks"]')" '^\["外[办辦]"(, "外[办辦]")*\]$' \
    "concordance: every hit marks the term"
like "$(v 'd["others"]')" "Foreign Affairs Office" "... beside its translation"
like "$(v 'd["add_no_token_error"]')" "token is needed" \
    "adding without a token: the error line asks for one"
like "$(v 'd["add"]')" "Added to the memory" "with the token the pair is added"
is "$(v 'd["new_score"]')" '["100"]' "... and looked up at 100"
is "$(v 'd["new_target"]')" '["A new sentence."]' "... with its translation"
is "$(v 'd["evil_target"]')" \
    '["<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>"]' \
    "markup in a unit is shown as text"
is "$(v 'd["evil_nodes"]')" 0 "... and makes no element"
is "$(v 'd["evil_ran"]')" 0 "... and runs nothing"
like "$(v 'd["import"]')" 'Imported 3' "a TMX imported through the page"
is "$(v 'd["import_error"]')" "" "... without an error"
like "$(v 'd["pt"]')" 'bulletin-2020-02-06.txt: [0-9]+ segments' \
    "a bulletin pre-translated through the page"
like "$(v 'd["pt"]')" 'total' "... with the analysis"
like "$(v 'd["pt_links"]')" 'Open review page", "blob:", ""' \
    "... a review page as a Blob"
like "$(v 'd["pt_links"]')" 'Download XLIFF", "blob:", "bulletin-2020-02-06.xlf"' \
    "... the XLIFF to download"
like "$(v 'd["pt_links"]')" 'Download draft", "blob:", "bulletin-2020-02-06\.draft\.txt"' \
    "... and the draft"
ok "the review page opens from its Blob URL" test "$(v 'd["review_segs"]')" -gt 0
is "$(v 'd["label_zh"]')" "查询" "the language toggle turns the button Chinese"
is "$(v 'd["label_q_zh"]')" "句子" "... and the labels"
is "$(v 'd["html_lang"]')" "zh-CN" "... and the document's language"
is "$(v 'd["label_reload"]')" "查询" "the choice is kept across a reload"
is "$(v 'd["token_kept"]')" True "... and so is the token"
ok "the page made its requests" test "$(v 'd["api_requests"]')" -gt 5
is "$(v 'd["foreign"]')" "[]" "every request went to the server itself"
is "$(v 'd["js_errors"]')" "[]" "no script error"

# Under a base path the page finds the API beside it.
serve_stop
serve_start m.db --public-read --base-path /tm ||
    { fail "the server starts under /tm"; diag_file "$TEST_DIR/.serve.log"; done_testing; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
is "$code" 404 "with --base-path /tm, / is not the page"
browse "$URL/tm/" b.json lookup
is "$(json b.json 'd.get("errors", [])')" "[]" "under /tm the session ran"
is "$(json b.json 'd["score"]')" '["100"]' "... and a lookup reaches the API"
is "$(json b.json 'd["foreign"]')" "[]" "... on the same server"
serve_stop

done_testing
