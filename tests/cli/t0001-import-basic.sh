#!/bin/sh
# tm import and tm stats, the basics: the summary line, --json, -q,
# standard input, several files, what stats --json counts, usage errors
# (exit 2), failures (exit 1, the file named), and where the database is
# when --db is not given ($TM_DB, $XDG_DATA_HOME, $HOME).

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

ZHEN=$DATA/zh-en.tmx
TMX11=$DATA/tmx11-lang.tmx
TIME_RE='[0-9]+\.[0-9]{2} s \(index [0-9]+\.[0-9]{2} s\)'

# The summary line
run tm --db m.db import "$ZHEN"
is "$RC" 0 "import zh-en.tmx exits 0"
like "$(cat "$OUT")" \
    "^$ZHEN: 3 units read, 3 imported, 0 duplicates, 0 invalid skipped, $TIME_RE\$" \
    "import prints one summary line: units read, imported, duplicates, skipped"
is "$(cat "$ERR")" "" "a good import writes nothing to stderr"
ok "the database file was created" test -s m.db

# stats --json
run tm --db m.db stats --json
is "$RC" 0 "stats --json exits 0"
cp "$OUT" stats.json
ok "stats --json is one JSON document" json_valid stats.json
is "$(json stats.json 'd["units"]')" 3 "stats: 3 units"
is "$(json stats.json 'd["variants"]')" 7 "stats: 7 variants"
is "$(json stats.json 'sorted((l["lang"], l["variants"]) for l in d["languages"])')" \
    '[["en-US", 3], ["zh-CN", 3], ["zh-TW", 1]]' \
    "stats: variants per language"
is "$(json stats.json '[l["variants"] for l in d["languages"]] == sorted([l["variants"] for l in d["languages"]], reverse=True)')" \
    True "stats: languages with the most variants first"
is "$(json stats.json 'sorted((p["langs"][0], p["langs"][1], p["units"]) for p in d["pairs"])')" \
    '[["en-US", "zh-CN", 3], ["en-US", "zh-TW", 1], ["zh-CN", "zh-TW", 1]]' \
    "stats: units per language pair, each pair in order"
is "$(json stats.json '[p["units"] for p in d["pairs"]]')" '[3, 1, 1]' \
    "stats: pairs with the most units first"
is "$(json stats.json '[(m["id"], m["file"], m["units_read"], m["imported"], m["duplicates"], m["updated"], m["skipped"]) for m in d["imports"]]')" \
    "[[1, \"$ZHEN\", 3, 3, 0, 0, 0]]" \
    "stats: the import with its counts"
like "$(json stats.json 'd["imports"][0]["date"]')" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
    "stats: the import's date is ISO 8601 UTC"
run tm --db m.db stats
like "$(cat "$OUT")" '^units +3$' "stats (text) shows the units"
like "$(cat "$OUT")" "#1 .*$ZHEN: 3 read, 3 imported" "stats (text) lists the import"

# --json import
run tm --db m.db import --json "$TMX11"
is "$RC" 0 "import --json exits 0"
cp "$OUT" import.json
ok "import --json prints valid JSON" json_valid import.json
is "$(json import.json '[sorted(o) for o in d]')" \
    '[["duplicates", "file", "import_id", "imported", "index_seconds", "index_stale", "seconds", "skipped", "units_read", "updated", "variants"]]' \
    "import --json: one object per file with the documented fields"
is "$(json import.json '[(o["file"], o["import_id"], o["units_read"], o["imported"], o["variants"]) for o in d]')" \
    "[[\"$TMX11\", 2, 2, 2, 5]]" "import --json: the counts"

# Languages keep the spelling they were first written with (tm.h:
# tm_stats_lang.lang "as first written in an imported file"): zh-en.tmx
# wrote en-US and zh-CN before tmx11-lang.tmx wrote EN-US and ZH-CN.
tm --db m.db stats --json >stats2.json
is "$(json stats2.json 'sorted(l["lang"] for l in d["languages"])')" \
    '["en-US", "zh-CN", "zh-TW"]' \
    "stats: a language is shown as first written (en-US, not a later EN-US)"
is "$(json stats2.json 'sorted((l["lang"].lower(), l["variants"]) for l in d["languages"])')" \
    '[["en-us", 5], ["zh-cn", 5], ["zh-tw", 2]]' \
    "stats: en-US and EN-US count as one language"

# -q and standard input
run tm --db q.db import -q "$ZHEN"
is "$RC:$(cat "$OUT")$(cat "$ERR")" "0:" "import -q prints nothing"
run tm --db q.db import --quiet "$TMX11"
is "$RC:$(cat "$OUT")$(cat "$ERR")" "0:" "import --quiet prints nothing"
run tm --db s.db import - <"$ZHEN"
is "$RC" 0 "import - reads standard input"
like "$(cat "$OUT")" "^-: 3 units read, 3 imported" "import -: the summary names '-'"

# Several files; one of them missing: the others land, exit 1
run tm --db several.db import "$ZHEN" missing.tmx "$TMX11"
is "$RC" 1 "import of several files with one missing exits 1"
like "$(cat "$ERR")" "^tm: import: 'missing.tmx': " "the error names the missing file"
is "$(grep -c 'units read' "$OUT")" 2 "the two good files each get a summary"
tm --db several.db stats --json >several.json
is "$(json several.json 'd["units"]')" 5 "the two good files were imported"

run tm --db severalj.db import --json "$ZHEN" missing.tmx
is "$RC" 1 "import --json with a missing file exits 1"
cp "$OUT" several-j.json
ok "import --json with a failed file still prints valid JSON" json_valid several-j.json
like "$(json several-j.json '[o.get("error", "") for o in d]')" \
    "^\\[\"\", \".*missing\\.tmx.*\"\\]\$" \
    "import --json: the failed file's object carries the error"
like "$(cat "$ERR")" "missing\\.tmx" "import --json: the error also goes to stderr"

# A missing file alone
run tm --db m.db import nosuchfile.tmx
is "$RC" 1 "a missing file exits 1"
like "$(cat "$ERR")" "^tm: import: 'nosuchfile\\.tmx': .*(no such file|No such file)" \
    "the message names the missing file and says why"
is "$(cat "$OUT")" "" "nothing on stdout for a failed file"

# Usage errors: exit 2, say what is wrong, point to --help, no side effect
run tm --db usage.db import --frobnicate "$ZHEN"
is "$RC" 2 "an unknown option exits 2"
like "$(cat "$ERR")" "^tm: import: unknown option '--frobnicate'" \
    "the unknown option is named"
like "$(cat "$ERR")" "see 'tm import --help'" \
    "a usage error points to 'tm import --help'"
run tm --db usage.db import --duplicates=sometimes "$ZHEN"
is "$RC" 2 "a bad --duplicates value exits 2"
like "$(cat "$ERR")" "sometimes" "the bad --duplicates value is named"
run tm --db usage.db import --duplicates "$ZHEN"
is "$RC" 2 "--duplicates without '=' takes the next word and refuses a file name"
run tm --db usage.db import
is "$RC" 2 "import without a file exits 2"
like "$(cat "$ERR")" "^tm: import: .*file" "import without a file says a file is missing"
run tm --db usage.db stats --bogus
is "$RC" 2 "stats with an unknown option exits 2"
run tm --db usage.db stats extra-argument
is "$RC" 2 "stats with an argument exits 2"
run tm --db usage.db export --bogus
is "$RC" 2 "export with an unknown option exits 2"
run tm --bogus stats
is "$RC" 2 "an unknown global option exits 2"
if on_sqlite; then
	ok "a usage error leaves no database behind" test ! -e usage.db
else
	skip "a usage error leaves no database behind" "$NOT_SQLITE"
fi

# The database: --db, else $TM_DB, else $XDG_DATA_HOME/tm/tm.db, else
# $HOME/.local/share/tm/tm.db
(TM_DB=$TEST_DIR/env.db; export TM_DB; tm import -q "$ZHEN")
is "$?" 0 "import with \$TM_DB set and no --db exits 0"
ok "\$TM_DB names the database" test -s env.db
(TM_DB=$TEST_DIR/env.db; export TM_DB; tm stats --json) >env.json
is "$(json env.json 'd["units"]')" 3 "stats reads \$TM_DB too"
(TM_DB=$TEST_DIR/env.db; export TM_DB; tm --db "$TEST_DIR/other.db" import -q "$TMX11")
ok "--db wins over \$TM_DB" test -s other.db
(TM_DB=$TEST_DIR/env.db; export TM_DB; tm stats --json) >env2.json
is "$(json env2.json 'd["units"]')" 3 "... and \$TM_DB's database was left alone"

(XDG_DATA_HOME=$TEST_DIR/xdg; export XDG_DATA_HOME; tm import -q "$ZHEN")
ok "without --db or \$TM_DB: \$XDG_DATA_HOME/tm/tm.db, folder created" \
    test -s xdg/tm/tm.db
(unset XDG_DATA_HOME; HOME=$TEST_DIR/home2; export HOME; mkdir -p "$HOME";
    tm import -q "$ZHEN")
ok "without \$XDG_DATA_HOME: \$HOME/.local/share/tm/tm.db" \
    test -s home2/.local/share/tm/tm.db
(unset XDG_DATA_HOME HOME; tm stats) >/dev/null 2>nohome.err
is "$?" 1 "no --db, \$TM_DB, \$XDG_DATA_HOME or \$HOME: exit 1"
like "$(cat nohome.err)" "TM_DB" "... and the message says to set TM_DB"

# Reading a memory that does not exist: exit 1, a clear message, no file
run tm --db absent.db stats
is "$RC" 1 "stats on a database that does not exist exits 1"
if on_sqlite; then
	like "$(cat "$ERR")" "^tm: stats: .*'absent\\.db'" "the message names the database"
	like "$(cat "$ERR")" "tm import" "the message says how to create it"
else
	skip "the message names the database" "$NOT_SQLITE"
	skip "the message says how to create it" "$NOT_SQLITE"
fi
ok "stats did not create the database" test ! -e absent.db
run tm --db absent.db stats --json
is "$RC:$(cat "$OUT")" "1:" "stats --json on a missing database: exit 1, no output"
run tm --db absent.db export
is "$RC:$(cat "$OUT")" "1:" "export of a database that does not exist exits 1"
ok "export did not create the database" test ! -e absent.db

# A database that is not a translation memory
python3 -c 'import sqlite3; c = sqlite3.connect("foreign.db"); c.execute("create table t (x)"); c.commit()'
cp foreign.db foreign.orig
run tm --db foreign.db stats
is "$RC" 1 "stats on a SQLite file that is not a memory exits 1"
like "$(cat "$ERR")" "not a translation memory" \
    "... and says it is not a translation memory"
run tm --db foreign.db import "$ZHEN"
is "$RC" 1 "import into a SQLite file that is not a memory exits 1"
like "$(cat "$ERR")" "not a translation memory" \
    "... and says it is not a translation memory"
same_file foreign.db foreign.orig "... and leaves it unchanged"
printf 'just some text\n' >text.db
run tm --db text.db stats
is "$RC" 1 "stats on a file that is not a database exits 1"
like "$(cat "$ERR")" "text\\.db" "... naming it"

# A memory written by a newer tm: refused, and left alone.
if on_sqlite; then
	tm_plain --db newer.db import -q "$ZHEN"
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("pragma user_version = 99"); c.commit()' newer.db
	cp newer.db newer.orig
	run tm --db newer.db stats
	is "$RC" 1 "stats on a memory with a newer schema exits 1"
	like "$(cat "$ERR")" "'newer\.db' has schema version 99.*upgrade tm" \
	    "... and says to upgrade tm"
	run tm --db newer.db import "$TMX11"
	is "$RC" 1 "import into a memory with a newer schema exits 1"
	same_file newer.db newer.orig "... and leaves it unchanged"
else
	for _c in "stats on a memory with a newer schema exits 1" \
	    "... and says to upgrade tm" \
	    "import into a memory with a newer schema exits 1" \
	    "... and leaves it unchanged"; do
		skip "$_c" "$NOT_SQLITE"
	done
fi

# Progress (DESIGN.md: long work "shows progress on a terminal and stays
# quiet when stdout is not one").  script(1) gives tm a terminal.
if command -v script >/dev/null 2>&1 &&
    script -qc true /dev/null >/dev/null 2>&1; then
	# on_tty CMD: run CMD (a shell command line) with a terminal as
	# stdin, stdout and stderr; what the terminal shows goes to tty.out.
	on_tty()
	{
		script -qc "$1" /dev/null </dev/null >tty.out 2>&1
	}
	rm -f p.db*
	on_tty "'$TM_BIN' --db p.db import '$ZHEN'"
	like "$(tr '\r' '\n' <tty.out)" "100%" \
	    "progress: on a terminal, import shows how far it got"
	rm -f p.db*
	on_tty "'$TM_BIN' --db p.db import -q '$ZHEN'"
	is "$(tr -d '\r\n' <tty.out)" "" "progress: -q shows nothing, even on a terminal"
	rm -f p.db*
	on_tty "'$TM_BIN' --db p.db import --json '$ZHEN' >p.json"
	is "$(tr -d '\r\n' <tty.out)" "" "progress: --json shows no progress"
	rm -f p.db*
	on_tty "'$TM_BIN' --db p.db import '$ZHEN' >p.out"
	# DESIGN.md: progress on a terminal, quiet when stdout is not one.
	is "$(tr -d '\r\n' <tty.out)" "" \
	    "progress: none when stdout is not a terminal (import FILE >log)"
else
	skip "progress on a terminal" "no script(1)"
fi

done_testing
