import { create } from 'zustand';
import { getApi, type ConnectionInfo } from '../api';

interface ConnectionSlice {
  info: ConnectionInfo;
  set(info: ConnectionInfo): void;
  retryNow(): void;
}

export const useConnection = create<ConnectionSlice>()((set) => ({
  info: getApi().getConnection(),
  set: (info) => set({ info }),
  retryNow: () => getApi().reconnectNow(),
}));
