// Heap bytes this process holds, counted by heap_meter.cpp's malloc replacement. For measuring
// what a TLS connection costs (tls_measure.cpp); not for tests built with sanitizers.
#pragma once

namespace heap_meter {

long long live_bytes();   // allocated and not yet freed
long long peak_bytes();   // highest live_bytes() since the last reset_peak()
long long allocations();  // calls that allocated, since the start
void reset_peak();

}  // namespace heap_meter
