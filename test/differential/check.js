#!/usr/bin/env node
// Differential test, step 3: our encoder's bytes through mqtt-packet's parser.
//
//   node check.js PACKETS.jsonl OURS.hex VERSION [MAX_FAILURES]
//
// PACKETS.jsonl is generate.js's output, OURS.hex codec_differential's (one hex line per
// packet, in the same order; empty where our encoder refused, which codec_differential has
// already reported). Each of our packets is parsed by mqtt.parser({protocolVersion}) and
// compared with the object it was built from. Exit status 1 on any difference.
//
// Both sides are first put in one canonical form, because the parser adds or fills fields the
// generator did not need (read in mqtt-packet's packet.js / parser.js):
//   - every packet gets cmd, retain, qos, dup, length, topic, payload from the fixed header
//     and the Packet constructor (topic/payload null outside PUBLISH; qos 1 for PUBREL,
//     SUBSCRIBE and UNSUBSCRIBE, whose flags are 0010); `length` is checked against the
//     Remaining Length of our bytes, the rest of these only where they mean something;
//   - defaults the generator may leave out: clean true, keepalive 0, clientId '', qos 0,
//     dup/retain false, payload empty, nl/rap false and rh 0 (5.0), reasonCode 0 (5.0);
//   - Buffers (payload, password, will payload, binary properties) and strings are compared
//     as bytes; empty properties count as none (the parser leaves `properties` out then);
//   - properties and user properties are compared as sets of keys (our order on the wire is
//     already checked byte for byte by codec_differential).
'use strict'

const fs = require('fs')
const mqtt = require('mqtt-packet')

const [packetsPath, oursPath, versionArg, maxArg] = process.argv.slice(2)
const version = Number(versionArg)
const maxFailures = maxArg ? Number(maxArg) : 20
if (!packetsPath || !oursPath || (version !== 4 && version !== 5)) {
  process.stderr.write('usage: node check.js PACKETS.jsonl OURS.hex VERSION(4|5) [MAX_FAILURES]\n')
  process.exit(2)
}
const v5 = version === 5
const label = v5 ? '5.0' : '3.1.1'

// --- canonical form --------------------------------------------------------------------------
function hex (value) {
  if (value === undefined || value === null) return ''
  if (Buffer.isBuffer(value)) return value.toString('hex')
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex')
  if (typeof value === 'object' && typeof value.$buffer === 'string') return value.$buffer
  throw new Error(`not bytes: ${JSON.stringify(value)}`)
}
const isBytes = (v) => Buffer.isBuffer(v) || (v !== null && typeof v === 'object' && typeof v.$buffer === 'string')
const BINARY = new Set(['correlationData', 'authenticationData'])

function properties (props) {
  if (!v5 || props === undefined || props === null) return undefined
  const out = {}
  for (const name of Object.keys(props)) {
    const value = props[name]
    if (value === undefined || value === null) continue
    if (name === 'userProperties') {
      const up = {}
      for (const key of Object.keys(value)) up[key] = value[key]
      out[name] = up
    } else if (BINARY.has(name) || isBytes(value)) {
      out[name] = Array.isArray(value) ? value.map(hex) : hex(value)
    } else {
      out[name] = value
    }
  }
  return Object.keys(out).length ? out : undefined
}

function canonical (p) {
  const c = { cmd: p.cmd }
  switch (p.cmd) {
    case 'connect':
      c.protocolId = p.protocolId || 'MQTT'
      c.protocolVersion = p.protocolVersion || 4
      c.clean = p.clean === undefined ? true : !!p.clean
      c.keepalive = p.keepalive || 0
      c.clientId = p.clientId || ''
      if (p.will) {
        c.will = { topic: p.will.topic, payload: hex(p.will.payload), qos: p.will.qos || 0, retain: !!p.will.retain }
        if (c.protocolVersion === 5) c.will.properties = properties(p.will.properties)
      }
      if (p.username !== undefined && p.username !== null) c.username = p.username
      if (p.password !== undefined && p.password !== null) c.password = hex(p.password)
      if (c.protocolVersion === 5) c.properties = properties(p.properties)
      break
    case 'connack':
      c.sessionPresent = !!p.sessionPresent
      if (v5) c.reasonCode = p.reasonCode
      else c.returnCode = p.returnCode
      c.properties = properties(p.properties)
      break
    case 'publish':
      c.topic = p.topic
      c.payload = hex(p.payload)
      c.qos = p.qos || 0
      c.dup = !!p.dup
      c.retain = !!p.retain
      if (c.qos > 0) c.messageId = p.messageId
      c.properties = properties(p.properties)
      break
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      c.messageId = p.messageId
      if (v5) c.reasonCode = p.reasonCode || 0
      c.properties = properties(p.properties)
      break
    case 'subscribe':
      c.messageId = p.messageId
      c.subscriptions = p.subscriptions.map((s) => {
        const sub = { topic: s.topic, qos: s.qos }
        if (v5) Object.assign(sub, { nl: !!s.nl, rap: !!s.rap, rh: s.rh || 0 })
        return sub
      })
      c.properties = properties(p.properties)
      break
    case 'suback':
      c.messageId = p.messageId
      c.granted = p.granted
      c.properties = properties(p.properties)
      break
    case 'unsubscribe':
      c.messageId = p.messageId
      c.unsubscriptions = p.unsubscriptions
      c.properties = properties(p.properties)
      break
    case 'unsuback':
      c.messageId = p.messageId
      if (v5) c.granted = p.granted
      c.properties = properties(p.properties)
      break
    case 'disconnect':
    case 'auth':
      if (v5) c.reasonCode = p.reasonCode || 0
      c.properties = properties(p.properties)
      break
  }
  return c
}

/// JSON with sorted keys and no undefined members: equal text, equal packets.
function stable (value) {
  if (Array.isArray(value)) return '[' + value.map(stable).join(',') + ']'
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort()
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + stable(value[k])).join(',') + '}'
  }
  return JSON.stringify(value)
}

/// Path of the first difference between two canonical values.
function firstDifference (a, b, path = '') {
  if (stable(a) === stable(b)) return null
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    for (const k of [...keys].sort()) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`)
      if (d) return d
    }
  }
  return `${path || '(packet)'}: expected ${cut(stable(a))}, parsed ${cut(stable(b))}`
}
const cut = (s, n = 300) => (s === undefined ? 'undefined' : s.length > n ? `${s.slice(0, n)}...(${s.length} chars)` : s)

// Keys the parser may set (packet.js and parser.js); anything else is reported.
const KNOWN = new Set(['cmd', 'retain', 'qos', 'dup', 'length', 'topic', 'payload', 'messageId',
  'protocolId', 'protocolVersion', 'clean', 'keepalive', 'clientId', 'will', 'username',
  'password', 'properties', 'sessionPresent', 'returnCode', 'reasonCode', 'subscriptions',
  'granted', 'unsubscriptions'])

// --- main ------------------------------------------------------------------------------------
const lines = fs.readFileSync(packetsPath, 'utf8').split('\n').filter((l) => l.length)
const ours = fs.readFileSync(oursPath, 'utf8').split('\n')
let failures = 0
let checked = 0
let skipped = 0

function fail (entry, ourHex, why) {
  failures++
  if (failures > maxFailures) return
  process.stdout.write(`DIFFERENCE at packet ${entry.i} (version ${version}): ${why}\n` +
    `  packet: ${cut(JSON.stringify(entry.packet), 2000)}\n` +
    `  ours:   ${cut(ourHex, 400)}\n`)
}

for (let n = 0; n < lines.length; n++) {
  const entry = JSON.parse(lines[n])
  const ourHex = ours[n] || ''
  if (ourHex === '') {
    skipped++ // our encoder refused it: codec_differential has reported that
    continue
  }
  checked++
  const bytes = Buffer.from(ourHex, 'hex')
  const parser = mqtt.parser({ protocolVersion: version })
  const parsed = []
  let error = null
  parser.on('packet', (p) => parsed.push(p))
  parser.on('error', (e) => { error = e })
  const left = parser.parse(bytes)
  if (error) { fail(entry, ourHex, `mqtt-packet's parser refused our bytes: ${error.message}`); continue }
  if (parsed.length !== 1 || left !== 0) {
    fail(entry, ourHex, `mqtt-packet's parser made ${parsed.length} packets and left ${left} bytes`)
    continue
  }
  const p = parsed[0]
  // Remaining Length: the bytes after the fixed header's length bytes.
  let header = 1
  while (bytes[header] & 0x80) header++
  header++
  if (p.length !== bytes.length - header) {
    fail(entry, ourHex, `parsed length ${p.length}, our Remaining Length ${bytes.length - header}`)
    continue
  }
  const unknown = Object.keys(p).filter((k) => !KNOWN.has(k))
  if (unknown.length) { fail(entry, ourHex, `parser set unexpected fields ${unknown.join(', ')}`); continue }
  const difference = firstDifference(canonical(entry.packet), canonical(p))
  if (difference) fail(entry, ourHex, difference)
}

process.stdout.write(`check.js ${label}: ${checked} of our packets parsed by mqtt-packet, ${failures} differences` +
  (skipped ? ` (${skipped} not encoded by us, reported by codec_differential)` : '') + '\n')
if (failures > maxFailures) process.stdout.write(`check.js: ${failures - maxFailures} more differences not printed\n`)
process.exit(failures || skipped ? 1 : 0)
