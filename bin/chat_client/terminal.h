// The controlling terminal's modes: raw mode for the line editor, echo off for a password
// typed on a dumb terminal, and the guarantee that the user gets their terminal back. The
// settings found at start are restored by restore(), at exit (atexit), on Ctrl-Z (and put
// back on resume), and on a fatal signal (SIGSEGV, SIGABRT...), whose handler restores the
// terminal and then re-raises the signal so the process still dies of it. There is one
// terminal per process, so this is a namespace over process-wide state, not a class.
#pragma once

namespace chat_client::terminal {

// Remembers fd's current settings as the ones to restore and installs the restore paths
// (atexit, fatal signals, SIGTSTP). False when fd is not a terminal.
bool save(int fd);

// Raw mode: no echo, no line buffering, no signals from keys (Ctrl-C, Ctrl-Z arrive as bytes),
// no CR/LF translation on input; output processing stays as it was.
bool enter_raw();

// The saved (cooked) mode with echo off, or back on: a password typed in line mode.
bool set_echo(bool on);

// Puts the saved settings back. Idempotent; async-signal-safe.
void restore();

// Stops the process as Ctrl-Z does in a shell: restores the terminal, stops, and on resume
// puts raw mode (or whatever mode was active) back. The caller redraws afterwards.
void suspend();

// The width of the terminal on fd, or 80 when unknown.
int columns(int fd);

}  // namespace chat_client::terminal
