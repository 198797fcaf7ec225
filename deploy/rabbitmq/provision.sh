#!/bin/sh
# The broker as the stack needs it: the "huiqi" vhost, one user per process with the permissions
# users.txt gives it and the password from its environment variable
# (HUIQI_AMQP_PASSWORD_<NAME>, e.g. HUIQI_AMQP_PASSWORD_TICKETS), and no guest account.
# Runs the server, provisions it once it is up (again on every start: passwords follow the
# environment), then waits on the server.
set -eu

docker-entrypoint.sh rabbitmq-server &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' TERM INT

rm -f /tmp/huiqi-provisioned
rabbitmqctl -q await_startup
rabbitmqctl -q add_vhost huiqi 2>/dev/null || true

grep -v '^#' /etc/rabbitmq/huiqi-users.txt | while read -r user configure write read; do
    [ -n "$user" ] || continue
    name=$(echo "${user#huiqi_}" | tr '[:lower:]' '[:upper:]')
    password=$(printenv "HUIQI_AMQP_PASSWORD_${name}" || true)
    if [ -z "$password" ]; then
        echo "provision: HUIQI_AMQP_PASSWORD_${name} is not set; $user gets no access" >&2
        rabbitmqctl -q delete_user "$user" 2>/dev/null || true
        continue
    fi
    rabbitmqctl -q add_user "$user" "$password" 2>/dev/null \
        || rabbitmqctl -q change_password "$user" "$password"
    rabbitmqctl -q set_permissions -p huiqi "$user" "$configure" "$write" "$read"
done

# The default account has a known password: it goes.
rabbitmqctl -q delete_user guest 2>/dev/null || true
touch /tmp/huiqi-provisioned   # the healthcheck waits for this
echo "provision: broker users ready" >&2
wait "$server"
