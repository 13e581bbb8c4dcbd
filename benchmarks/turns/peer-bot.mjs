// The peer for the turn benchmark (docs/benchmarks.md, "Turns"): the official Bot Framework JavaScript SDK's
// CloudAdapter with no app id (anonymous, as a local bot runs), replying to "help" with the same help card UpdateBot
// sends. Usage: node peer-bot.mjs <port> <help-card.json>
import { readFileSync } from 'node:fs';
import express from 'express';
import { ActivityHandler, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';

const port = Number(process.argv[2] ?? 0);
const helpCard = JSON.parse(readFileSync(process.argv[3], 'utf8'));

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (context, error) => {
  console.error('peer turn error', error);
  await context.sendActivity('Something went wrong.');
};

class HelpBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const text = (context.activity.text ?? '').trim().toLowerCase();
      if (text === 'help') await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(helpCard)));
      else await context.sendActivity(`I didn't catch that: ${text}`);
      await next();
    });
  }
}

const bot = new HelpBot();
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/api/messages', (req, res) => adapter.process(req, res, context => bot.run(context)));
const server = app.listen(port, '127.0.0.1', () => console.log(`LISTENING http://127.0.0.1:${server.address().port}/api/messages`));
server.keepAliveTimeout = 60_000;
