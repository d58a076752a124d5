#!/bin/sh
# edgelb firewall hook: fw4 (and fw3) run this after every firewall start and reload
# ('config include' of type script in /etc/config/firewall, added by uci-defaults).
# 'firewall restart' deletes fw4's own table (inet fw4) only, but 'firewall stop' and 'flush'
# delete every nftables table, edgelb's own too: at the start that follows, load the copy the
# agent keeps of what it programmed. Nothing to do when no copy exists (no dnat listener, or
# the agent is stopped: it deletes the copy when it stops).

state_dir="$(uci -q get edgelb.main.state_dir)"
state_dir="${state_dir:-/var/run/edgelb}"

if [ -s "$state_dir/dnat.nft" ] && command -v nft >/dev/null; then
	nft -f "$state_dir/dnat.nft" || logger -t edgelb "could not reload $state_dir/dnat.nft"
fi

# fw3 / iptables backend: chains, sets and the jumps into edgelb's chains.
if [ -s "$state_dir/dnat.iptables" ] && command -v iptables-restore >/dev/null; then
	[ -s "$state_dir/dnat.ipset" ] && ipset restore -exist < "$state_dir/dnat.ipset"
	for family in "" 6; do
		rules="$state_dir/dnat.ip${family}tables"
		[ -s "$rules" ] || continue
		ip${family}tables-restore --noflush < "$rules" || { logger -t edgelb "could not reload $rules"; continue; }
		for jump in "nat PREROUTING EDGELB-PREROUTING" "nat POSTROUTING EDGELB-POSTROUTING" \
			"filter FORWARD EDGELB-FORWARD"; do
			set -- $jump
			ip${family}tables -t "$1" -C "$2" -j "$3" 2>/dev/null || ip${family}tables -t "$1" -I "$2" 1 -j "$3"
		done
	done
fi
exit 0
