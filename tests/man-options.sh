#!/bin/sh
# man-options.sh ASLC MANPAGE EXE
#
# Check that the man page documents exactly the options of aslc --help and
# of a generated executable's --help (EXE, any program aslc compiled):
#
#  - every option of an option line of `ASLC --help` (a line that starts
#    with two spaces and -) is the tag of an entry (.TP) of the man page's
#    OPTIONS section, and every such tag is an option of aslc --help;
#  - the same for the options of the `aslc graph` usage line and the
#    subsection "aslc graph" of OPTIONS;
#  - the same for `EXE --help` and the section THE GENERATED PROGRAM.
#
# Options are compared by name: `-D NAME[=VALUE]` is -D, `--backend=cc|tcc`
# is --backend, `-fdiagnostics-color[=auto]` -fdiagnostics-color,
# `-Werror=name` -Werror. The tags are rendered with groff, and each option
# must also appear in the whole page rendered with groff.
#
# Prints a line per difference and exits 1; exits 0 silently when they
# agree, 77 when groff is not installed, 2 on bad usage.

set -u

me=man-options.sh
if [ $# -ne 3 ]; then
	echo "usage: $me ASLC MANPAGE EXE" >&2
	exit 2
fi
aslc=$1 manpage=$2 exe=$3

if ! command -v groff >/dev/null 2>&1; then
	echo "$me: groff is not installed; skipped" >&2
	exit 77
fi
if [ ! -r "$manpage" ]; then
	echo "$me: cannot read $manpage" >&2
	exit 2
fi

LC_ALL=C
export LC_ALL

render() {
	groff -man -Tascii -P-c -P-b -P-u -rLL=2000n "$@"
}

# Option names from a --help text on stdin: on the lines matching $1, the
# words that start with -, up to the first word with a lower-case letter
# (the description); upper-case words are placeholders (FILE, NAME=CMD).
help_options() {
	awk -v re="$1" '
	$0 ~ re {
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/,$/, "", w)
			if (w ~ /^-/) {
				if (w == "-" || w == "--")
					continue
				sub(/\[.*/, "", w)
				sub(/=.*/, "", w)
				print w
			} else if (w ~ /[a-z]/)
				break
		}
	}' | sort -u
}

# Option names of the `aslc graph` usage line and its continuations.
graph_options() {
	awk '
	/^(usage:)? +aslc graph / { g = 1; print; next }
	g && /^[ \t]+\[/ { print; next }
	{ g = 0 }' |
	awk '{
		for (i = 1; i <= NF; i++) {
			w = $i
			gsub(/[][]/, "", w)
			if (w !~ /^-/ || w == "-" || w == "--")
				continue
			sub(/=.*/, "", w)
			print w
		}
	}' | sort -u
}

# Option names of the .TP (or .TQ) tags that start with an option in
# section $1 of the man page, subsection $2 ("" for none, * for any): the
# tags are rendered with groff, one paragraph each, and their words that
# start with - are the options.
man_options() {
	{
		printf '.TH T 1\n.nh\n.ad l\n.SH T\n'
		awk -v want="$1" -v wantss="$2" '
		/^\.SH/ {
			sec = $0; sub(/^\.SH[ \t]*/, "", sec); gsub(/"/, "", sec)
			ss = ""; tag = 0; next
		}
		/^\.SS/ {
			ss = $0; sub(/^\.SS[ \t]*/, "", ss); gsub(/"/, "", ss)
			tag = 0; next
		}
		tag {
			tag = 0
			if (sec == want && (wantss == "*" || ss == wantss))
				print ".PP\n" $0
			next
		}
		/^\.T[PQ]([ \t]|$)/ { tag = 1 }' "$manpage"
	} | render | awk '
	/^[ \t]+-/ {
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/,$/, "", w)
			if (w !~ /^-/ || w == "-" || w == "--")
				continue
			sub(/\[.*/, "", w)
			sub(/=.*/, "", w)
			print w
		}
	}' | sort -u
}

inlist() {
	printf '%s\n' "$2" | grep -Fqx -e "$1"
}

# Whether option $1 is a word of the rendered page.
inpage() {
	case $1 in
	*[!A-Za-z0-9-]*)
		printf '%s\n' "$page" | grep -Fq -e "$1" ;;
	*)
		printf '%s\n' "$page" |
		    grep -Eq -e "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" ;;
	esac
}

status=0

# compare WHAT HELP-OPTIONS MAN-OPTIONS SOURCE-NAME
compare() {
	for o in $2; do
		if ! inlist "$o" "$3" || ! inpage "$o"; then
			echo "missing from the man page: $1$o"
			status=1
		fi
	done
	for o in $3; do
		if ! inlist "$o" "$2"; then
			echo "not in $4 --help: $1$o"
			status=1
		fi
	done
}

if ! aslc_help=$("$aslc" --help 2>&1); then
	echo "$me: $aslc --help failed" >&2
	exit 2
fi
if ! exe_help=$("$exe" --help 2>&1); then
	echo "$me: $exe --help failed" >&2
	exit 2
fi
if ! page=$(render "$manpage"); then
	echo "$me: groff failed on $manpage" >&2
	exit 2
fi

compare "" \
    "$(printf '%s\n' "$aslc_help" | help_options '^  -')" \
    "$(man_options OPTIONS "")" aslc
compare "aslc graph " \
    "$(printf '%s\n' "$aslc_help" | graph_options)" \
    "$(man_options OPTIONS "aslc graph")" aslc
compare "program " \
    "$(printf '%s\n' "$exe_help" | help_options '^  (  )?-')" \
    "$(man_options "THE GENERATED PROGRAM" "*")" "$(basename "$exe")"

exit $status
