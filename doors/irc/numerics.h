// The IRC numeric replies the door sends, by their usual names (Modern IRC, RFC 2812).
#pragma once

#include <cstdint>
#include <string_view>

namespace irc {

enum class Numeric : std::uint16_t {
  RplWelcome = 1,
  RplYourHost = 2,
  RplCreated = 3,
  RplMyInfo = 4,
  RplIsupport = 5,
  RplUmodeIs = 221,
  RplLuserClient = 251,
  RplLuserOp = 252,
  RplLuserUnknown = 253,
  RplLuserChannels = 254,
  RplLuserMe = 255,
  RplLocalUsers = 265,
  RplGlobalUsers = 266,
  RplWhoisUser = 311,
  RplWhoisServer = 312,
  RplEndOfWho = 315,
  RplEndOfWhois = 318,
  RplWhoisChannels = 319,
  RplChannelModeIs = 324,
  RplCreationTime = 329,
  RplNoTopic = 331,
  RplTopic = 332,
  RplTopicWhoTime = 333,
  RplWhoReply = 352,
  RplNamReply = 353,
  RplEndOfNames = 366,
  RplMotd = 372,
  RplMotdStart = 375,
  RplEndOfMotd = 376,
  RplYoureOper = 381,
  ErrNoSuchNick = 401,
  ErrNoSuchChannel = 403,
  ErrTooManyChannels = 405,
  ErrNoRecipient = 411,
  ErrNoTextToSend = 412,
  ErrInputTooLong = 417,
  ErrUnknownCommand = 421,
  ErrNoMotd = 422,
  ErrNoNicknameGiven = 431,
  ErrErroneousNickname = 432,
  ErrNicknameInUse = 433,
  ErrNickCollision = 436,
  ErrUnavailResource = 437,
  ErrNotOnChannel = 442,
  ErrNotRegistered = 451,
  ErrNeedMoreParams = 461,
  ErrAlreadyRegistered = 462,
  ErrPasswdMismatch = 464,
  ErrUnknownMode = 472,
  ErrChanOpPrivsNeeded = 482,
  RplUnAway = 305,
  RplNowAway = 306,
  RplAway = 301,
  ErrNoNickChange = 447,
  ErrUsersDontMatch = 502,
  ErrUnknownCommandCap = 410,  // ERR_INVALIDCAPCMD
  RplUserHost = 302,
  RplIsOn = 303,
  RplEndOfBanList = 368,
};

// The name as the specifications spell it ("RPL_WELCOME"), for logs and test messages.
constexpr std::string_view numeric_name(Numeric n) {
  switch (n) {
    case Numeric::RplWelcome: return "RPL_WELCOME";
    case Numeric::RplYourHost: return "RPL_YOURHOST";
    case Numeric::RplCreated: return "RPL_CREATED";
    case Numeric::RplMyInfo: return "RPL_MYINFO";
    case Numeric::RplIsupport: return "RPL_ISUPPORT";
    case Numeric::RplUmodeIs: return "RPL_UMODEIS";
    case Numeric::RplLuserClient: return "RPL_LUSERCLIENT";
    case Numeric::RplLuserOp: return "RPL_LUSEROP";
    case Numeric::RplLuserUnknown: return "RPL_LUSERUNKNOWN";
    case Numeric::RplLuserChannels: return "RPL_LUSERCHANNELS";
    case Numeric::RplLuserMe: return "RPL_LUSERME";
    case Numeric::RplLocalUsers: return "RPL_LOCALUSERS";
    case Numeric::RplGlobalUsers: return "RPL_GLOBALUSERS";
    case Numeric::RplWhoisUser: return "RPL_WHOISUSER";
    case Numeric::RplWhoisServer: return "RPL_WHOISSERVER";
    case Numeric::RplEndOfWho: return "RPL_ENDOFWHO";
    case Numeric::RplEndOfWhois: return "RPL_ENDOFWHOIS";
    case Numeric::RplWhoisChannels: return "RPL_WHOISCHANNELS";
    case Numeric::RplChannelModeIs: return "RPL_CHANNELMODEIS";
    case Numeric::RplCreationTime: return "RPL_CREATIONTIME";
    case Numeric::RplNoTopic: return "RPL_NOTOPIC";
    case Numeric::RplTopic: return "RPL_TOPIC";
    case Numeric::RplTopicWhoTime: return "RPL_TOPICWHOTIME";
    case Numeric::RplWhoReply: return "RPL_WHOREPLY";
    case Numeric::RplNamReply: return "RPL_NAMREPLY";
    case Numeric::RplEndOfNames: return "RPL_ENDOFNAMES";
    case Numeric::RplMotd: return "RPL_MOTD";
    case Numeric::RplMotdStart: return "RPL_MOTDSTART";
    case Numeric::RplEndOfMotd: return "RPL_ENDOFMOTD";
    case Numeric::RplYoureOper: return "RPL_YOUREOPER";
    case Numeric::ErrNoSuchNick: return "ERR_NOSUCHNICK";
    case Numeric::ErrNoSuchChannel: return "ERR_NOSUCHCHANNEL";
    case Numeric::ErrTooManyChannels: return "ERR_TOOMANYCHANNELS";
    case Numeric::ErrNoRecipient: return "ERR_NORECIPIENT";
    case Numeric::ErrNoTextToSend: return "ERR_NOTEXTTOSEND";
    case Numeric::ErrInputTooLong: return "ERR_INPUTTOOLONG";
    case Numeric::ErrUnknownCommand: return "ERR_UNKNOWNCOMMAND";
    case Numeric::ErrNoMotd: return "ERR_NOMOTD";
    case Numeric::ErrNoNicknameGiven: return "ERR_NONICKNAMEGIVEN";
    case Numeric::ErrErroneousNickname: return "ERR_ERRONEUSNICKNAME";
    case Numeric::ErrNicknameInUse: return "ERR_NICKNAMEINUSE";
    case Numeric::ErrNickCollision: return "ERR_NICKCOLLISION";
    case Numeric::ErrUnavailResource: return "ERR_UNAVAILRESOURCE";
    case Numeric::ErrNotOnChannel: return "ERR_NOTONCHANNEL";
    case Numeric::ErrNotRegistered: return "ERR_NOTREGISTERED";
    case Numeric::ErrNeedMoreParams: return "ERR_NEEDMOREPARAMS";
    case Numeric::ErrAlreadyRegistered: return "ERR_ALREADYREGISTERED";
    case Numeric::ErrPasswdMismatch: return "ERR_PASSWDMISMATCH";
    case Numeric::ErrUnknownMode: return "ERR_UNKNOWNMODE";
    case Numeric::ErrChanOpPrivsNeeded: return "ERR_CHANOPRIVSNEEDED";
    case Numeric::RplUnAway: return "RPL_UNAWAY";
    case Numeric::RplNowAway: return "RPL_NOWAWAY";
    case Numeric::RplAway: return "RPL_AWAY";
    case Numeric::ErrNoNickChange: return "ERR_NONICKCHANGE";
    case Numeric::ErrUsersDontMatch: return "ERR_USERSDONTMATCH";
    case Numeric::ErrUnknownCommandCap: return "ERR_INVALIDCAPCMD";
    case Numeric::RplUserHost: return "RPL_USERHOST";
    case Numeric::RplIsOn: return "RPL_ISON";
    case Numeric::RplEndOfBanList: return "RPL_ENDOFBANLIST";
  }
  return "UNKNOWN_NUMERIC";
}

}  // namespace irc
