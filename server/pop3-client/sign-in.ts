import { MAX_COMMAND_LENGTH, Pop3RemoteError, apopTimestamp, errorForReply } from '../../shared/pop3/index.ts';
import type { Capabilities, Command, SaslResponse, StatusReply } from '../../shared/pop3/index.ts';
import { expectOk } from './exchange.ts';
import { apopDigest, chooseMechanism, cramMd5Response, saslLoginResponse, saslPlain } from './mechanisms.ts';
import type { Credentials, Mechanism } from './mechanisms.ts';
import type { Pop3Transport, ReplyHandler } from './transport.ts';

/** Signs in with the strongest safe mechanism the server offers; resolves to the mechanism used. */
export async function signIn(
  connection: Pop3Transport, capabilities: Capabilities, greeting: StatusReply, credentials: Credentials,
): Promise<Mechanism> {
  const mechanism = chooseMechanism(capabilities, greeting, connection.encrypted, connection.endpoint.security === 'plain');
  try {
    await authenticateWith(connection, greeting, mechanism, credentials);
  } catch (error) {
    const delay = capabilities.loginDelay?.seconds;
    if (error instanceof Pop3RemoteError && error.code === 'LOGIN_DELAY' && delay !== undefined && error.delaySeconds === undefined) {
      throw new Pop3RemoteError(error.code, error.message, { ...(error.serverText !== undefined ? { serverText: error.serverText } : {}), delaySeconds: delay });
    }
    throw error;
  }
  return mechanism;
}

/** Runs the exchange of one sign-in mechanism. */
export async function authenticateWith(
  connection: Pop3Transport, greeting: StatusReply, mechanism: Mechanism, credentials: Credentials,
): Promise<void> {
  switch (mechanism) {
    case 'USER': {
      await expectOk(connection, { name: 'USER', username: credentials.username });
      await expectOk(connection, { name: 'PASS', password: credentials.password });
      return;
    }
    case 'APOP': {
      const timestamp = apopTimestamp(greeting);
      if (timestamp === null) throw new Pop3RemoteError('NOT_SUPPORTED', 'The greeting carries no APOP timestamp');
      await expectOk(connection, { name: 'APOP', username: credentials.username, digest: apopDigest(timestamp, credentials.password) });
      return;
    }
    case 'SASL PLAIN': {
      const response = saslPlain(credentials);
      // RFC 5034 section 4: an initial response that would make the line too long waits for the continuation.
      if (`AUTH PLAIN ${response}\r\n`.length <= MAX_COMMAND_LENGTH) {
        await sasl(connection, { name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: response, final: true } }, () => null);
      } else {
        let sent = false;
        await sasl(connection, { name: 'AUTH', mechanism: 'PLAIN' }, () => (sent ? null : ((sent = true), { data: response, final: true })));
      }
      return;
    }
    case 'SASL LOGIN': {
      let step = 0;
      await sasl(connection, { name: 'AUTH', mechanism: 'LOGIN' }, () => {
        if (step > 1) return null;
        const data = saslLoginResponse(credentials, step);
        return { data, final: ++step === 2 };
      });
      return;
    }
    case 'SASL CRAM-MD5': {
      let answered = false;
      await sasl(connection, { name: 'AUTH', mechanism: 'CRAM-MD5' }, (challenge) => {
        if (answered) return null;
        answered = true;
        return { data: cramMd5Response(credentials, challenge), final: true };
      });
      return;
    }
  }
}

/**
 * One SASL exchange. `answer` gives the response to each challenge, or null
 * when the mechanism has nothing more to say: the exchange is then
 * cancelled, and the failure is the server's unexpected step, not a wrong password.
 * Each response (and the AUTH's initial one) says itself whether it is the last.
 */
function sasl(connection: Pop3Transport, command: Command & { name: 'AUTH' }, answer: (challenge: string) => SaslResponse | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let cancelled = false;
    const handler: ReplyHandler = {
      status: (reply) => {
        if (reply.ok) resolve();
        else if (cancelled) reject(new Pop3RemoteError('PROTOCOL', `The server asked for an unexpected extra step in ${command.mechanism} sign-in`, { serverText: reply.fullText }));
        else reject(errorForReply(command, reply));
      },
      continuation: (challenge) => {
        try {
          const next = answer(challenge);
          cancelled = next === null;
          // A cancel is not final: the server's -ERR follows, and a "+" must not read as success.
          connection.sendSaslResponse(next ?? { data: '*', final: false });
        } catch (error) {
          reject(error);
        }
      },
      error: reject,
    };
    connection.send(command, handler);
  });
}
