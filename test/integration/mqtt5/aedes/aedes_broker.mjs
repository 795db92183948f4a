// A private aedes broker for test/integration/mqtt5/mqtt5_test.sh: listens on 127.0.0.1 on a
// free port (chosen by the kernel), writes that port to the file given as argv[2] once it
// accepts connections, and runs until SIGTERM/SIGINT (or argv[3] seconds, default 600, so a
// broker whose test was killed does not linger). aedes 1.x speaks MQTT 3.1.1 (and 3.1) only:
// a 5.0 CONNECT gets a 3.1.1 CONNACK "unacceptable protocol version" (20 02 00 01).
import { writeFileSync, renameSync } from 'node:fs'
import { createServer } from 'node:net'
import { Aedes } from 'aedes'

const portFile = process.argv[2]
const lifetimeS = Number(process.argv[3] || 600)
if (!portFile) {
  console.error('usage: node aedes_broker.mjs PORT_FILE [LIFETIME_S]')
  process.exit(2)
}

const broker = await Aedes.createBroker()
broker.on('client', (c) => console.log(`aedes: client ${c.id} connected`))
broker.on('clientDisconnect', (c) => console.log(`aedes: client ${c.id} disconnected`))
broker.on('clientError', (c, e) => console.log(`aedes: client ${c ? c.id : '?'} error: ${e.message}`))
broker.on('connectionError', (c, e) => console.log(`aedes: connection error: ${e.message}`))

const server = createServer(broker.handle)
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port
  writeFileSync(portFile + '.tmp', `${port}\n`)
  renameSync(portFile + '.tmp', portFile)
  console.log(`aedes ${broker.version}: listening on 127.0.0.1:${port}, pid ${process.pid}`)
})

function stop () {
  server.close()
  broker.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
setTimeout(stop, lifetimeS * 1000).unref()
