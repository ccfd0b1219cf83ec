#!/usr/bin/env bash
# Installs the Debian packages the window needs at run time (X11/Wayland, GL via
# Mesa) and the virtual display the headless GUI tests use. Building needs none.
set -euo pipefail
PKGS=(libgl1-mesa-dri libegl1 libegl-mesa0 libglx-mesa0 libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2 libx11-xcb1
      xvfb xauth)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
