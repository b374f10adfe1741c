#!/usr/bin/env bash
# Install the Debian packages the course needs outside Python:
#   fonts-noto-cjk  Chinese glyphs in figures, JupyterLab screenshots and the PDF handout
#   chromium        the browser test and the PDF handout
#   poppler-utils   pdftotext / pdftoppm, used by the handout tests
# As root on Debian they are installed with apt-get; anywhere else this script only
# says what is missing, and the tests that need a package skip with that reason.
set -u
packages=(fonts-noto-cjk chromium poppler-utils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system packages: installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit $?
fi

echo "system packages: MISSING ${missing[*]} (not root on Debian, so not installed)."
echo "  Install them yourself, e.g.: sudo apt-get install ${missing[*]}"
echo "  Until then the font-, browser- and PDF-dependent tests are skipped with this reason."
exit 0
