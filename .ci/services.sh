#!/usr/bin/env bash
# Makes sure the services the integration tests use are up (PostgreSQL :5432, NATS JetStream :4222)
# and that Chromium is installed for the browser tests. Safe to run again.
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! up 4222 && [ -x /usr/sbin/nats-server ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
for _ in $(seq 1 30); do up 5432 && up 4222 && break; sleep 1; done
up 5432 || { echo "services: PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
up 4222 || { echo "services: NATS is not answering on 127.0.0.1:4222"; exit 1; }

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
    echo "services: could not install chromium; browser tests will say so"
fi
exit 0
