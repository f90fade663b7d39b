#!/bin/sh
# Debian's chromium in the e2e run's own network namespace (global-setup.ts makes it and says why).
if [ -n "${BERTH_E2E_NETNS:-}" ]; then
  exec ip netns exec "$BERTH_E2E_NETNS" /usr/bin/chromium "$@"
fi
exec /usr/bin/chromium "$@"
