package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One poll of Octavia: the objects as listed (only the fields the mapping reads), members by
 * pool id. Plain data, so that the mapping can be tested without a server.
 */
record OctaviaObjects(List<JsonObject> loadBalancers, List<JsonObject> listeners, List<JsonObject> pools,
                      Map<String, List<JsonObject>> membersByPool, List<JsonObject> healthMonitors) {
    static final String[] LB_FIELDS = {"id", "provisioning_status", "vip_address", "tags", "admin_state_up",
            "provider", "availability_zone"};
    static final String[] LISTENER_FIELDS = {"id", "provisioning_status", "protocol", "protocol_port",
            "connection_limit", "default_pool_id", "timeout_client_data", "timeout_member_connect",
            "timeout_member_data", "allowed_cidrs", "admin_state_up", "loadbalancers"};
    static final String[] POOL_FIELDS = {"id", "provisioning_status", "protocol", "lb_algorithm",
            "session_persistence", "healthmonitor_id", "admin_state_up", "loadbalancers", "created_at", "updated_at"};
    static final String[] MEMBER_FIELDS = {"id", "provisioning_status", "address", "protocol_port", "weight",
            "backup", "admin_state_up", "monitor_address", "monitor_port"};
    static final String[] MONITOR_FIELDS = {"id", "provisioning_status", "type", "delay", "timeout",
            "max_retries", "max_retries_down", "http_method", "url_path", "expected_codes", "domain_name",
            "admin_state_up"};
}
