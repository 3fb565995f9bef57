// zod/mini ships no messages of its own: without a locale every issue reads "Invalid input". The contracts'
// messages (`Too small: expected number to be >=0`, `Unrecognized key: "cheat"`) are part of what
// InvalidGameEvent reports, so install zod's English locale, exactly as classic zod does on its first
// schema: only when no locale is configured yet (an app's own `z.config(z.locales.xx())` wins).
import { config } from 'zod/mini';
import { en } from 'zod/locales';

if (!config().localeError) config(en());
