#!/usr/bin/env python3
"""A scripted 5.0 "broker" for mqtt5_test.sh case fake_receive_maximum: CONNACK announces
receive-maximum 2 (20 06 00 00 03 21 00 02); PUBLISH QoS 1 are acknowledged only when 2 are
outstanding and no third arrived within 0.5 s, so a client that ignores the limit shows it.

  receive_maximum_broker.py PORT_FILE EXPECTED_PUBLISHES

Prints `outstanding max=M publishes=N` and exits 0 when N reached and M <= 2; 1 otherwise.
Loopback only; ends after 20 s whatever happens."""
import socket, sys, time

port_file, expected = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 20
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
with open(port_file + ".tmp", "w") as f:
    f.write(f"{server.getsockname()[1]}\n")
import os
os.replace(port_file + ".tmp", port_file)
server.settimeout(10)
conn, _ = server.accept()
buffer = b""

def read_packet(timeout):
    """(type_byte, body) or None on timeout."""
    global buffer
    end = min(time.monotonic() + timeout, deadline)
    while True:
        if len(buffer) >= 2:
            length, multiplier, i = 0, 1, 1
            while i < len(buffer):
                byte = buffer[i]
                length += (byte & 0x7F) * multiplier
                multiplier *= 128
                i += 1
                if not byte & 0x80:
                    break
            else:
                i = None
            if i is not None and len(buffer) >= i + length:
                packet = (buffer[0], buffer[i:i + length])
                buffer = buffer[i + length:]
                return packet
        left = end - time.monotonic()
        if left <= 0:
            return None
        conn.settimeout(left)
        try:
            data = conn.recv(4096)
        except socket.timeout:
            return None
        if not data:
            raise SystemExit("client closed the connection")
        buffer += data

first = read_packet(5)
if not first or first[0] >> 4 != 1:
    raise SystemExit("no CONNECT")
conn.sendall(bytes([0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x02]))
outstanding, most, publishes = [], 0, 0
while publishes < expected or outstanding:
    if time.monotonic() > deadline:
        break
    packet = read_packet(0.5)
    if packet is None:  # quiet for 0.5 s: acknowledge the oldest
        if outstanding:
            packet_id = outstanding.pop(0)
            conn.sendall(bytes([0x40, 0x02, packet_id >> 8, packet_id & 0xFF]))
        continue
    kind, body = packet
    if kind >> 4 == 3:  # PUBLISH
        qos = (kind >> 1) & 3
        topic_length = (body[0] << 8) | body[1]
        if qos:
            packet_id = (body[2 + topic_length] << 8) | body[3 + topic_length]
            if packet_id not in outstanding:
                outstanding.append(packet_id)
        publishes += 1
        most = max(most, len(outstanding))
        print(f"PUBLISH id={packet_id if qos else '-'} outstanding={len(outstanding)}", flush=True)
    elif kind >> 4 == 12:  # PINGREQ
        conn.sendall(bytes([0xD0, 0x00]))
print(f"outstanding max={most} publishes={publishes}", flush=True)
time.sleep(0.3)
conn.close()
sys.exit(0 if most <= 2 and publishes >= expected else 1)
