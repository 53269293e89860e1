# shellcheck shell=bash
# Helpers over the service list (scripts/services.sh). Sourced by ./bazaar and scripts/render-edge.sh.
#
# Port rule (the same everywhere): the port in the list, plus BAZAAR_SERVICE_PORT_OFFSET (default 0),
# unless BAZAAR_PORT_<NAME> (e.g. BAZAAR_PORT_IDENTITY) sets it outright.

# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

# svc_parse ENTRY: sets SVC_NAME, SVC_BASE_PORT, SVC_ROUTES (comma-separated, "-" for none).
svc_parse() {
  local extra
  SVC_NAME="" SVC_BASE_PORT="" SVC_ROUTES="" extra=""
  read -r SVC_NAME SVC_BASE_PORT SVC_ROUTES extra <<<"$1"
  SVC_ROUTES=${SVC_ROUTES:--}
  [[ -z $extra ]]
}

# svc_names: the service names, in start order.
svc_names() {
  local entry
  for entry in "${SERVICES[@]}"; do
    svc_parse "$entry" || true
    printf '%s\n' "$SVC_NAME"
  done
}

# svc_entry NAME: prints the list entry of NAME (fails if unknown).
svc_entry() {
  local entry
  for entry in "${SERVICES[@]}"; do
    svc_parse "$entry" || true
    if [[ $SVC_NAME == "$1" ]]; then
      printf '%s\n' "$entry"
      return 0
    fi
  done
  return 1
}

# svc_upper NAME: IDENTITY (for environment variable names).
svc_upper() { printf '%s\n' "${1^^}"; }

# svc_title NAME: Identity (project folder src/<Title>, assembly Bazaar.<Title>).
svc_title() { printf '%s\n' "${1^}"; }

# svc_port NAME: the effective local port.
svc_port() {
  local entry override_var
  entry=$(svc_entry "$1") || return 1
  svc_parse "$entry" || true
  override_var="BAZAAR_PORT_$(svc_upper "$1")"
  if [[ -n ${!override_var:-} ]]; then
    printf '%s\n' "${!override_var}"
  else
    printf '%s\n' "$((SVC_BASE_PORT + ${BAZAAR_SERVICE_PORT_OFFSET:-0}))"
  fi
}

# svc_validate: checks the list is well formed; prints one line per problem, fails if any.
svc_validate() {
  local entry route problems=0 n=0 port
  local -A seen_name=() seen_port=() seen_route=()
  if [[ ${#SERVICES[@]} -eq 0 ]]; then
    echo "scripts/services.sh: SERVICES is empty"
    return 1
  fi
  if [[ -n ${BAZAAR_SERVICE_PORT_OFFSET:-} && ! ${BAZAAR_SERVICE_PORT_OFFSET} =~ ^-?[0-9]+$ ]]; then
    echo "BAZAAR_SERVICE_PORT_OFFSET must be an integer"
    problems=$((problems + 1))
  fi
  for entry in "${SERVICES[@]}"; do
    n=$((n + 1))
    if ! svc_parse "$entry"; then
      echo "services.sh entry $n: too many fields: $entry"
      problems=$((problems + 1))
    fi
    if [[ ! $SVC_NAME =~ ^[a-z][a-z0-9]*$ ]]; then
      echo "services.sh entry $n: name must be lower-case letters and digits: '$SVC_NAME'"
      problems=$((problems + 1))
      continue
    fi
    if [[ -n ${seen_name[$SVC_NAME]:-} ]]; then
      echo "services.sh: service '$SVC_NAME' is listed twice"
      problems=$((problems + 1))
    fi
    seen_name[$SVC_NAME]=1
    if [[ ! $SVC_BASE_PORT =~ ^[0-9]+$ ]]; then
      echo "services.sh: $SVC_NAME: port must be a number: '$SVC_BASE_PORT'"
      problems=$((problems + 1))
      continue
    fi
    port=$(svc_port "$SVC_NAME")
    if [[ ! $port =~ ^[0-9]+$ ]] || ((port < 1024 || port > 65535)); then
      echo "services.sh: $SVC_NAME: effective port $port is outside 1024-65535"
      problems=$((problems + 1))
    elif [[ -n ${seen_port[$port]:-} ]]; then
      echo "services.sh: $SVC_NAME: port $port is also used by ${seen_port[$port]}"
      problems=$((problems + 1))
    else
      seen_port[$port]=$SVC_NAME
    fi
    svc_parse "$entry" || true
    [[ $SVC_ROUTES == "-" ]] && continue
    local -a routes=()
    IFS=',' read -r -a routes <<<"$SVC_ROUTES"
    for route in "${routes[@]}"; do
      if [[ ! $route =~ ^(/[A-Za-z0-9._~-]+)+$ ]]; then
        echo "services.sh: $SVC_NAME: route '$route' must look like /a/b (no trailing slash, no spaces)"
        problems=$((problems + 1))
      elif [[ $route == /internal || $route == /internal/* ]]; then
        echo "services.sh: $SVC_NAME: /internal is never routed by the edge"
        problems=$((problems + 1))
      elif [[ -n ${seen_route[$route]:-} ]]; then
        echo "services.sh: $SVC_NAME: route $route is also claimed by ${seen_route[$route]}"
        problems=$((problems + 1))
      else
        seen_route[$route]=$SVC_NAME
      fi
    done
  done
  ((problems == 0))
}
