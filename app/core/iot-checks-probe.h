/* SPDX-License-Identifier: GPL-3.0-or-later
 * Checks that probe the device the user picked, without HTTP: MQTT logins
 * (anonymous and published defaults, G1) and transport (G5), SSH password
 * logins with published defaults (G1), and a few risky open TCP ports (G6).
 * They go only to the device's own local addresses from discovery, with a
 * small bounded number of attempts, each time-limited and cancellable, and
 * their evidence names only published default passwords.
 *
 * The decisions are split from the probing so they can be tested on
 * recorded outcomes.
 */
#pragma once

#include "iot-check.h"

const IotCheck *const *iot_checks_probe (guint *n_checks);

/* At most this many logins per check, the anonymous one included. */
#define IOT_PROBE_MAX_LOGINS 6

/* An MQTT 3.1.1 CONNECT packet (clean session, no will); @user NULL or ""
 * for an anonymous one. */
GByteArray *iot_mqtt_connect_packet (const char *client_id, const char *user,
                                     const char *password);
/* The return code of a CONNACK in @buf (0 accepted, 1-5 refused), or -1
 * when @buf does not start with a well-formed CONNACK. */
int iot_mqtt_parse_connack (const guint8 *buf, gsize len);

/* What probing a device's logins found out. */
typedef struct
{
  const char *url;               /* e.g. "mqtt://198.18.0.30:1883" */
  gboolean reached;              /* the service answered at all */
  gboolean anonymous_accepted;   /* MQTT only */
  const char *accepted_user;     /* the first default login that worked, or NULL */
  const char *accepted_password; /* … its (published) password */
  guint n_refused;               /* default logins refused */
} IotLoginProbe;

IotCheckResult *iot_check_decide_mqtt_login (const IotCheck *check, const IotLoginProbe *p);
IotCheckResult *iot_check_decide_ssh_login (const IotCheck *check, const IotLoginProbe *p);
/* G5 for MQTT: @plain: the plaintext probe (reached, anonymous_accepted);
 * @tls_url: the TLS port that accepted a connection, or NULL. */
IotCheckResult *iot_check_decide_mqtt_transport (const IotCheck *check, const IotLoginProbe *plain,
                                                 const char *tls_url);

typedef struct
{
  const char *what; /* the protocol, e.g. "telnet" */
  gboolean fail;    /* open is a FAIL (else a WARN) */
  guint16 port;
} IotRiskyPort;

const IotRiskyPort *iot_risky_ports (guint *n);
/* G6 from which of iot_risky_ports() were open (@open[i]) on @address. */
IotCheckResult *iot_check_decide_ports (const IotCheck *check, const char *address,
                                        const gboolean *open);

/* The device's first IPv4 address that is on the local network (private,
 * link-local, or the benchmarking range 198.18.0.0/15 that labs use), or
 * NULL: probes go nowhere else. */
char *iot_probe_dup_local_address (const IotDevice *device);
