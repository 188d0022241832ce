#!/usr/bin/env bash
# Installs the system packages the test suite needs (real POP3 servers, a
# browser, a reference POP3 client). Idempotent: only missing packages are
# installed, and apt's index is refreshed only when something is missing.
# popa3d is fetched and unpacked, not installed: its package conflicts with
# dovecot-pop3d (both provide pop3-server), and the tests run its binary
# directly from the unpacked tree.
set -euo pipefail

CACHE_DIR="${POPBRIDGE_CACHE_DIR:-/var/cache/popbridge}"
POPA3D_ROOT="$CACHE_DIR/popa3d-root"

# popa3d's runtime dependencies (apt-cache show popa3d: libc6, libpam0g)
# plus the PAM modules its /etc/pam.d entry includes.
# postfix: the real SMTP submission server of the sending tests (test/support/postfix.ts).
PACKAGES=(dovecot-core dovecot-pop3d postfix chromium mpop openssl
          libc6 libpam0g libpam-modules libpam-runtime passwd)

fail() {
  echo "install-system-deps: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (apt-get and dpkg need it)"
command -v apt-get >/dev/null || fail "apt-get not found: this script supports Debian/Ubuntu only"

export DEBIAN_FRONTEND=noninteractive

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

# apt may be busy in the background (unattended upgrades, another install);
# wait for its locks instead of failing. Bounded: about 10 minutes.
apt_locked() {
  # Without fuser (psmisc) we cannot tell a lock from another failure, so
  # assume a lock but give up after a minute.
  if ! command -v fuser >/dev/null; then [ "$1" -le 6 ]; return; fi
  fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1
}

apt_retry() {
  local attempt
  for attempt in $(seq 1 60); do
    if "$@"; then return 0; fi
    apt_locked "$attempt" || return 1
    echo "install-system-deps: apt is busy (locked by another process?), retrying ($attempt/60)" >&2
    sleep 10
  done
  return 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

updated=0
if [ "${#missing[@]}" -gt 0 ]; then
  # "No configuration": the package writes no /etc/postfix/main.cf and starts no
  # system MTA; the tests run their own instance from a temp folder.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "install-system-deps: installing ${missing[*]}"
  apt_retry apt-get update -q || fail "apt-get update failed"
  updated=1
  apt_retry apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || fail "apt-get install ${missing[*]} failed"
fi

if [ ! -x "$POPA3D_ROOT/usr/sbin/popa3d" ]; then
  mkdir -p "$CACHE_DIR" || fail "cannot create $CACHE_DIR"
  if ! ls "$CACHE_DIR"/popa3d_*.deb >/dev/null 2>&1; then
    # Downloading needs an index that knows popa3d; refresh once if it doesn't.
    if [ "$updated" -eq 0 ] && ! apt-cache show popa3d >/dev/null 2>&1; then
      apt_retry apt-get update -q || fail "apt-get update failed"
    fi
    # apt downloads as the unprivileged _apt user, so give it a folder it owns.
    download_dir="$(mktemp -d)"
    chown _apt "$download_dir" 2>/dev/null || true
    (cd "$download_dir" && apt_retry apt-get download popa3d) \
      || fail "apt-get download popa3d failed (is the Debian main archive reachable?)"
    mv "$download_dir"/popa3d_*.deb "$CACHE_DIR"/ || fail "cannot move the popa3d package into $CACHE_DIR"
    rm -rf "$download_dir"
  fi
  deb="$(ls "$CACHE_DIR"/popa3d_*.deb | head -n 1)"
  rm -rf "$POPA3D_ROOT.tmp"
  dpkg-deb -x "$deb" "$POPA3D_ROOT.tmp" || fail "dpkg-deb -x $deb failed"
  # Rename last so a half-unpacked tree never passes the check above.
  rm -rf "$POPA3D_ROOT"
  mv "$POPA3D_ROOT.tmp" "$POPA3D_ROOT"
  [ -x "$POPA3D_ROOT/usr/sbin/popa3d" ] || fail "popa3d binary missing from $deb"
fi

[ -x /usr/lib/postfix/sbin/master ] || fail "postfix master is missing after install"
for tool in dovecot openssl chromium mpop; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is not on PATH after install"
done

echo "install-system-deps: ok (popa3d unpacked in $POPA3D_ROOT)"
