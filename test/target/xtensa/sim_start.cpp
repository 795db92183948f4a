// Start-up and semihosting for QEMU's Xtensa "sim" machine (machines.cmake): picolibc has no
// Xtensa semihosting, and its crt0 neither sets a stack pointer nor passes main's result on.
//
// Semihosting on this machine is the Xtensa ISS "simcall" convention QEMU implements
// (target/xtensa/xtensa-semi.c): call number in a2, arguments in a3..a5, result in a2.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
extern char __bss_start[];
extern char __bss_end[];
void __libc_init_array();
}

namespace {

constexpr int kSysExit = 1;
constexpr int kSysWrite = 4;
constexpr int kStdout = 1;

int simcall(int call, int a, int b, int c) {
  register int a2 asm("a2") = call;
  register int a3 asm("a3") = a;
  register int a4 asm("a4") = b;
  register int a5 asm("a5") = c;
  asm volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
  return a2;
}

int put(char c, FILE*) {
  simcall(kSysWrite, kStdout, static_cast<int>(reinterpret_cast<std::size_t>(&c)), 1);
  return static_cast<unsigned char>(c);
}

FILE g_console = FDEV_SETUP_STREAM(put, nullptr, nullptr, _FDEV_SETUP_WRITE);

}  // namespace

// picolibc's stdio streams are ours to define (its semihosting library does this elsewhere).
FILE* const stdin = &g_console;
FILE* const stdout = &g_console;
FILE* const stderr = &g_console;

extern "C" {

// exit() ends here: the status becomes QEMU's exit status.
[[noreturn]] void _exit(int status) {
  simcall(kSysExit, status, 0, 0);
  for (;;) {
  }
}

// abort() raises SIGABRT: with no one to catch it, the run ends with status 128 + signal, as
// picolibc's semihosting library does it on Arm and RISC-V.
int getpid() { return 1; }
int kill(int, int signal) { _exit(128 + signal); }

// Called by _start below with a stack, before main. The loader has placed .text, .rodata and
// .data; .bss is cleared here rather than trusted to be.
void mqtt_setup_sim_init() {
  std::memset(__bss_start, 0, static_cast<std::size_t>(__bss_end - __bss_start));
  __libc_init_array();
}
}

// The entry point (sim.ld keeps .text.init.enter first): the stack at the top of RAM, then
// exit(main()) (in assembly: C++ may not call main). call0 ABI: the result and the first
// argument are both a2. The literals sit before the code that loads them, as l32r requires.
asm(R"(
	.section .text.init.enter, "ax"
	.align 4
.Lstack_top:
	.word __stack
.Linit:
	.word mqtt_setup_sim_init
.Lmain:
	.word main
.Lexit:
	.word exit
	.align 4
	.global _start
_start:
	l32r	a1, .Lstack_top
	l32r	a0, .Linit
	callx0	a0
	l32r	a0, .Lmain
	callx0	a0
	l32r	a0, .Lexit
	callx0	a0
1:	j	1b
)");
