# Shared helpers of the setup scripts.
say() { printf 'sitrep setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# apt_install PKG...: install Debian packages, as root or through sudo, without questions.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: $*"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your system's package manager"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
