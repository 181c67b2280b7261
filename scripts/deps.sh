#!/usr/bin/env bash
# Installs what nianbao needs on a Debian machine, idempotently: the apt
# packages named as arguments (only those missing), and a check that Go is
# new enough for go.mod. Run as root; safe to run again.
set -euo pipefail

missing=()
for pkg in "$@"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go comes with this machine image at /usr/local/go; Debian's golang-go is
# too old for go.mod, so say so rather than install it.
export PATH="/usr/local/go/bin:$PATH"
want=$(awk '$1 == "go" { print $2; exit }' "$(dirname "$0")/../go.mod")
if ! command -v go >/dev/null; then
	echo "deps: Go $want or newer is required (expected at /usr/local/go/bin/go)" >&2
	exit 1
fi
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" != "$want" ]; then
	echo "deps: Go $want or newer is required, found $have" >&2
	exit 1
fi
