// `cdk synth` / `cdk deploy` entry point.
import { createGamekeeperApp } from '../src/app';

createGamekeeperApp();
