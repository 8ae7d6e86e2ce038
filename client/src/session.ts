import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from '../../shared/schemas/index.js';

export interface SessionState {
  user: User | null;
  setUser(user: User | null): void;
}

export const SessionContext = createContext<SessionState>({ user: null, setUser: () => {} });
export const useSession = () => useContext(SessionContext);
