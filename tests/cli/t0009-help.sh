#!/bin/sh
# Help and version: tm help, tm --help, tm -h, tm help COMMAND and
# tm COMMAND --help exit 0, print to stdout and list the commands or the
# command's options, and need no database.  An unknown command exits 2.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# Help needs no database: make sure none can be found or created.
unset XDG_DATA_HOME
HOME=$TEST_DIR/no-home
export HOME

for args in help --help -h; do
	run tm $args
	is "$RC" 0 "tm $args exits 0"
	is "$(cat "$ERR")" "" "tm $args: nothing on stderr"
	for c in import export stats help version; do
		like "$(cat "$OUT")" "^ +$c +[a-z]" "tm $args lists the command '$c'"
	done
	like "$(cat "$OUT")" "--db FILE" "tm $args shows the global option --db"
done

# help_lists CMD OPTION...: tm CMD --help and tm help CMD show each option.
help_lists()
{
	cmd=$1
	shift
	run tm "$cmd" --help
	is "$RC" 0 "tm $cmd --help exits 0"
	is "$(cat "$ERR")" "" "tm $cmd --help: nothing on stderr"
	like "$(sed -n 1p "$OUT")" "^usage: tm $cmd" "tm $cmd --help starts with a usage line"
	cp "$OUT" help-$cmd.txt
	for o in "$@"; do
		like "$(cat help-$cmd.txt)" "(^|[^a-z-])$o([^a-z-]|\$)" \
		    "tm $cmd --help lists $o"
	done
	run tm help "$cmd"
	is "$RC" 0 "tm help $cmd exits 0"
	same_file "$OUT" help-$cmd.txt "tm help $cmd shows what tm $cmd --help shows"
	run tm "$cmd" -h
	is "$RC" 0 "tm $cmd -h exits 0"
}
help_lists import --skip-invalid --duplicates skip keep update --json \
    --quiet -q FILE
help_lists export -o --output --langs --changed-since --json --quiet -q
help_lists stats --json
# Issue 6.
help_lists glossary import lookup export --format --from --to -o --json
help_lists check --json --no-glossary
help_lists import-xliff --reviewer --json
help_lists history --from --json

ok "no database was created by asking for help" test ! -e "$HOME"

# --help wins over everything else on the line, and opens no database.
run tm --db "$TEST_DIR/none.db" import --help nosuchfile.tmx
is "$RC" 0 "tm import --help FILE exits 0"
ok "tm import --help FILE creates no database" test ! -e none.db

run tm version
is "$RC" 0 "tm version exits 0"
like "$(cat "$OUT")" '^tm [0-9]+\.[0-9]+' "tm version prints the version"
run tm --version
like "$RC:$(cat "$OUT")" '^0:tm [0-9]+\.[0-9]+' "tm --version prints the version"

# Unknown commands and no command
run tm frobnicate
is "$RC" 2 "an unknown command exits 2"
like "$(cat "$ERR")" "frobnicate" "the message names the unknown command"
like "$(cat "$ERR")" "tm help" "the message points to tm help"
is "$(cat "$OUT")" "" "an unknown command prints nothing on stdout"
run tm
is "$RC" 2 "tm without a command exits 2"
like "$(cat "$ERR")" "^usage: tm" "tm without a command shows the usage on stderr"
run tm help frobnicate
is "$RC" 2 "tm help for an unknown command exits 2"
like "$(cat "$ERR")" "frobnicate" "tm help frobnicate names the unknown command"
run tm IMPORT --help
is "$RC" 2 "command names are case-sensitive (IMPORT is unknown)"

done_testing
