// Outcome: what a door's handling of one line means for its connection (log it, close it,
// hold the next lines), the same for every door.
#pragma once

namespace chat {

enum class Outcome {
  None,              // nothing for the caller to do
  PasswordAccepted,  // now AwaitName
  PasswordRejected,  // close after flushing the goodbye
  NameAccepted,      // now Chatting
  NameRefused,       // still AwaitName
  NamePending,       // ClaimingName: hold this client's next lines until the claim settles
  Quit,              // said @sair: close after flushing the goodbye
  QuitPending,       // said @sair, LEAVING: hold its next lines; ClientDirectory::left closes
  TooLongBeforeChat  // over-long line before CHATTING: close after flushing the goodbye
};

// Whether the caller must close the connection (after flushing what is queued).
inline bool closes_connection(Outcome o) {
  return o == Outcome::PasswordRejected || o == Outcome::Quit || o == Outcome::TooLongBeforeChat;
}

}  // namespace chat
