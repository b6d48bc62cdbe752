#!/usr/bin/env bash
# The one entry point of the lecture: installs what is missing, renders, tests.
#   ./render.sh            render every chapter at 1080p60, English, dark theme
#   ./render.sh help       every command and option (the table in pipeline/commands.py)
# The command line is validated (by pipeline/cli.py check) before anything is installed or written;
# the check also says what to set up for the command, so this script keeps no list of commands.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
# What Manim needs from the system: cairo/pango headers to build pycairo and manimpango, LaTeX
# (standalone.cls is in latex-extra) and dvisvgm for MathTex, a CJK font for zh-TW text, and
# ffmpeg to join chapters and export WebM/GIF, espeak-ng for the Mandarin narration (and the English
# espeak voice, and the phonemes of Piper's), alsa-utils for `record` (arecord).
SYSTEM_PACKAGES=(
  build-essential pkg-config libcairo2-dev libpango1.0-dev
  texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm
  fonts-noto-cjk ffmpeg espeak-ng alsa-utils
)
# The tests also drive the HTML deck in a real headless browser, and open the PowerPoint deck in
# LibreOffice Impress (exported to PDF, its pages drawn by poppler's pdftoppm) to see its posters.
TEST_PACKAGES=(chromium chromium-driver libreoffice-impress poppler-utils)
# manim-slides' player needs a Qt binding: about 200 MB, so only ./render.sh present installs it.
QT_BINDING=PySide6==6.12.0

say() { printf 'render.sh: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages ($*) and no apt-get here; install their equivalents by hand"
    exit 1
  fi
  say "installing system packages: $*"
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; then
    say "cannot install system packages (need root or passwordless sudo); run:"
    say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $*"
    exit 1
  fi
}

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
  done
}

ensure_python() {
  # Only python3 itself is needed to check the command line; the rest waits until it is valid.
  command -v python3 >/dev/null 2>&1 || apt_install python3
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { say "Python 3.11 or newer is needed (tomllib)"; exit 1; }
}

ensure_python_build_tools() {
  local needed=()
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || needed+=(python3-venv)
  python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    >/dev/null 2>&1 || needed+=(python3-dev)
  if [ ${#needed[@]} -gt 0 ]; then apt_install "${needed[@]}"; fi
}

ensure_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0  # not Debian-like: trust the user
  local missing
  mapfile -t missing < <(missing_packages "${SYSTEM_PACKAGES[@]}" "$@")
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

ensure_venv() {
  local wanted stamp="$VENV/.requirements.sha256"
  wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return 0; fi
  [ -x "$VENV/bin/python" ] || { say "creating $VENV"; python3 -m venv "$VENV"; }
  say "installing Python packages from requirements.txt (first run builds pycairo and manimpango)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$wanted" > "$stamp"
}

bootstrap() {
  ensure_system_packages "$@"
  ensure_python_build_tools
  ensure_venv
}

ensure_python
checked=$(python3 -m pipeline.cli check "$@") || exit $?
case "${checked#* }" in  # "COMMAND SETUP": what the command needs first
  none) exec python3 -m pipeline.cli "$@" ;;
  tests)
    bootstrap "${TEST_PACKAGES[@]}"
    exec "$VENV/bin/python" -m pipeline.cli "$@"
    ;;
  player)
    bootstrap
    "$VENV/bin/python" -c 'import PySide6' 2>/dev/null ||
      { say "installing $QT_BINDING for manim-slides' player"; "$VENV/bin/python" -m pip install --quiet "$QT_BINDING"; }
    exec "$VENV/bin/python" -m pipeline.cli "$@"
    ;;
  venv)
    bootstrap
    exec "$VENV/bin/python" -m pipeline.cli "$@"
    ;;
  *) say "unknown setup in '$checked'"; exit 1 ;;
esac
